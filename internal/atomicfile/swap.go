package atomicfile

import "os"

// swapByRenames moves target aside, the staged set in, and the old set to
// the staged name. Run under mu, so an interruption cannot fall between
// the renames; only a crash there could leave target missing.
func swapByRenames(staged, target string) error {
	old := staged + ".old"
	if err := os.Rename(target, old); err != nil {
		if os.IsNotExist(err) {
			return os.Rename(staged, target)
		}
		return err
	}
	if err := os.Rename(staged, target); err != nil {
		os.Rename(old, target)
		return err
	}
	return os.Rename(old, staged)
}
