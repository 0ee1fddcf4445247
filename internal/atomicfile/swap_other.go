//go:build !linux

package atomicfile

func swap(staged, target string) error { return swapByRenames(staged, target) }
