package sim

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// SharedFixture returns the path of a file or directory under the
// project's shared fixtures: $USPBRIDGE_FIXTURES/<elem...> when that
// variable is set, else ../shared/fixtures/<elem...> beside the module root
// (found by walking up from the working directory to go.mod). It fails when
// the path does not exist, so tests can skip with the reason.
func SharedFixture(elem ...string) (string, error) {
	dir := os.Getenv("USPBRIDGE_FIXTURES")
	if dir == "" {
		root, err := moduleRoot()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(filepath.Dir(root), "shared", "fixtures")
	}
	p := filepath.Join(append([]string{dir}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("shared fixture: %w", err)
	}
	return p, nil
}

// SharedReference returns the path of a file under the project's shared
// reference material, ../shared/reference/<elem...> beside the module root
// (the BBF TR-181 table, RouterOS reply samples). It fails when the path does
// not exist.
func SharedReference(elem ...string) (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	p := filepath.Join(append([]string{filepath.Dir(root), "shared", "reference"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("shared reference: %w", err)
	}
	return p, nil
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("shared fixture: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("shared fixture: no go.mod above the working directory")
		}
		dir = parent
	}
}
