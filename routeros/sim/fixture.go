package sim

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// wellKnownShared is where the project's shared material lives on its
// development and CI machines, used when the checkout is not beside it.
const wellKnownShared = "/work/shared"

// SharedFixture returns the path of a file or directory under the project's
// shared fixtures (real RouterOS exports, GenieACS transcripts):
// $USPBRIDGE_FIXTURES/<elem...> when that variable is set, else
// <shared>/fixtures/<elem...> with <shared> as SharedDir finds it. It fails
// when the path does not exist.
func SharedFixture(elem ...string) (string, error) {
	dir := os.Getenv("USPBRIDGE_FIXTURES")
	if dir == "" {
		shared, err := SharedDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(shared, "fixtures")
	}
	p := filepath.Join(append([]string{dir}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("shared fixture: %w", err)
	}
	return p, nil
}

// SharedReference returns the path of a file under the project's shared
// reference material, <shared>/reference/<elem...> (the BBF TR-181 table,
// RouterOS reply samples). It fails when the path does not exist.
func SharedReference(elem ...string) (string, error) {
	shared, err := SharedDir()
	if err != nil {
		return "", err
	}
	p := filepath.Join(append([]string{shared, "reference"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("shared reference: %w", err)
	}
	return p, nil
}

// SharedDir finds the project's shared directory (fixtures/ and reference/,
// which are not part of the repository): $USPBRIDGE_SHARED when set, else the
// first "shared" directory beside the module root or one of its ancestors
// (found by walking up from the working directory to go.mod), else
// /work/shared. The error lists where it looked.
func SharedDir() (string, error) {
	if dir := os.Getenv("USPBRIDGE_SHARED"); dir != "" {
		return dir, nil
	}
	var tried []string
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	for dir := filepath.Dir(root); ; dir = filepath.Dir(dir) {
		cand := filepath.Join(dir, "shared")
		if isShared(cand) {
			return cand, nil
		}
		tried = append(tried, cand)
		if filepath.Dir(dir) == dir {
			break
		}
	}
	if isShared(wellKnownShared) {
		return wellKnownShared, nil
	}
	tried = append(tried, wellKnownShared)
	return "", fmt.Errorf("shared directory not found (set USPBRIDGE_SHARED); looked in %s", strings.Join(tried, ", "))
}

func isShared(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, "fixtures"))
	return err == nil && st.IsDir()
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
