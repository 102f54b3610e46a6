package routeros

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// TrapError is a command that RouterOS answered with one or more "!trap"
// sentences (REPORT.md §1.5, §1.11).
type TrapError struct {
	Command string
	// Category is the trap's "category" (0 missing item or command, 1 argument
	// value failure, 2 interrupted, ...) or -1 when absent.
	Category int
	// Messages holds every trap message in arrival order. An unknown menu gives
	// two: "no such command or directory (x)" and "no such command prefix".
	Messages []string
}

func (e *TrapError) Error() string {
	return fmt.Sprintf("%s: %s", e.Command, strings.Join(e.Messages, "; "))
}

// NoSuchCommand reports whether the trap says the menu or command does not
// exist on this router (e.g. /system/routerboard on a CHR).
func (e *TrapError) NoSuchCommand() bool {
	for _, m := range e.Messages {
		if m == "no such command prefix" || m == "no such command" || strings.HasPrefix(m, "no such command or directory") {
			return true
		}
	}
	return false
}

// PermissionDenied reports whether RouterOS refused the command for the
// user's group policy ("not enough permissions (9)").
func (e *TrapError) PermissionDenied() bool {
	for _, m := range e.Messages {
		if strings.HasPrefix(m, "not enough permissions") {
			return true
		}
	}
	return false
}

// IsNoSuchCommand reports whether err is a TrapError for a missing menu or command.
func IsNoSuchCommand(err error) bool {
	var t *TrapError
	return errors.As(err, &t) && t.NoSuchCommand()
}

// FatalError is a "!fatal" from the router: it is closing the session.
type FatalError struct {
	Reason string
}

func (e *FatalError) Error() string { return "router closed the session: " + e.Reason }

// ErrClosed is returned for commands on a connection that has ended. The
// connection's Err gives the cause.
var ErrClosed = errors.New("routeros: connection closed")

// ErrStreamOverflow ends a listen stream whose consumer fell behind by more
// than the stream's buffer; the consumer must re-read the menu.
var ErrStreamOverflow = errors.New("routeros: listen stream overflow: consumer too slow")

// UnavailableError says the router cannot be reached now. It names the router
// and carries the last connection error.
type UnavailableError struct {
	Address string
	Since   time.Time // when the router was last lost (or first tried)
	Err     error     // last dial or login error; nil while the first attempt runs
}

func (e *UnavailableError) Error() string {
	s := "router " + e.Address + " unreachable"
	if !e.Since.IsZero() {
		s += " since " + e.Since.UTC().Format(time.RFC3339)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *UnavailableError) Unwrap() error { return e.Err }

// LoginError is a refused login: wrong user name or password.
type LoginError struct {
	User    string
	Message string
}

func (e *LoginError) Error() string {
	return fmt.Sprintf("login as %q refused: %s", e.User, e.Message)
}
