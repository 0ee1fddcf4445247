// Reference values for partitioning_test.go, computed with Java's own int
// arithmetic, Long.hashCode and String.hashCode. Written from the formulas in
// Flink's KeyGroupRangeAssignment / MathUtils / KafkaSourceEnumerator docs.
// Regenerate: go test ./models/partitioning -run TestAgainstJava -java
public class Reference {
    static int murmur(int code) {
        code *= 0xcc9e2d51;
        code = Integer.rotateLeft(code, 15);
        code *= 0x1b873593;
        code = Integer.rotateLeft(code, 13);
        code = code * 5 + 0xe6546b64;
        code ^= 4;
        code ^= code >>> 16;
        code *= 0x85ebca6b;
        code ^= code >>> 13;
        code *= 0xc2b2ae35;
        code ^= code >>> 16;
        if (code >= 0) return code;
        if (code != Integer.MIN_VALUE) return -code;
        return 0;
    }

    public static void main(String[] args) {
        long[] longs = {0L, 1L, -1L, 42L, 123456789L, 4294967296L, -9223372036854775808L, 9223372036854775807L, 1000003L, 77777777777L};
        for (long v : longs) {
            int h = Long.hashCode(v);
            System.out.println("long " + v + " " + h + " " + murmur(h) + " " + (murmur(h) % 128) + " " + (murmur(h) % 32768));
        }
        String[] strs = {"", "a", "user_1", "user_42", "Flink", "clicks", "orders", "日本語", "emoji\uD83D\uDE00", "a-much-longer-key-with-some-length-0123456789"};
        for (String s : strs) {
            int h = s.hashCode();
            System.out.println("string " + s + " " + h + " " + murmur(h) + " " + (murmur(h) % 128) + " " + (murmur(h) % 32768));
        }
        int[] ints = {Integer.MIN_VALUE, Integer.MAX_VALUE, -7, 65536};
        for (int v : ints) {
            System.out.println("int " + v + " " + v + " " + murmur(v) + " " + (murmur(v) % 128) + " " + (murmur(v) % 32768));
        }
        String[] topics = {"clicks", "orders", "events", "t"};
        int[] readers = {1, 3, 4, 5, 7, 16};
        for (String t : topics) {
            for (int n : readers) {
                StringBuilder sb = new StringBuilder("kafka " + t + " " + n);
                for (int p = 0; p < 12; p++) {
                    int start = ((t.hashCode() * 31) & 0x7FFFFFFF) % n;
                    sb.append(" ").append((start + p) % n);
                }
                System.out.println(sb);
            }
        }
    }
}
