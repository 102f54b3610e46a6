package broker

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"syscall"

	mochi "github.com/mochi-mqtt/server/v2"
)

// quietHandler tones mochi's log down for an embedded broker: Info records
// (hooks added, listeners attached, server started and stopped) become Debug,
// and so do the Warn records mochi writes when a connection ends: without a
// message, or about a packet that could not be answered because the
// connection had just closed. Other warnings and errors, such as a client's
// outbound queue overflowing or a protocol violation, are kept.
type quietHandler struct{ h slog.Handler }

func (q quietHandler) level(r slog.Record) slog.Level {
	switch {
	case r.Level < slog.LevelWarn:
		return min(r.Level, slog.LevelDebug)
	case r.Level < slog.LevelError && (r.Message == "" || connectionEnded(r)):
		return slog.LevelDebug
	}
	return r.Level
}

// connectionEnded reports whether the record's "error" attribute says the
// connection was closed or reset.
func connectionEnded(r slog.Record) bool {
	ended := false
	r.Attrs(func(a slog.Attr) bool {
		if a.Key != "error" {
			return true
		}
		err, ok := a.Value.Any().(error)
		ended = ok && (errors.Is(err, net.ErrClosed) || errors.Is(err, io.EOF) ||
			errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
			errors.Is(err, mochi.ErrConnectionClosed))
		return false
	})
	return ended
}

// Enabled reports whether the wrapped handler takes records at level or at
// Debug, the level some records are lowered to.
func (q quietHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return q.h.Enabled(ctx, min(level, slog.LevelDebug)) || q.h.Enabled(ctx, level)
}

// Handle lowers the record's level as described and passes it on.
func (q quietHandler) Handle(ctx context.Context, r slog.Record) error {
	lvl := q.level(r)
	if !q.h.Enabled(ctx, lvl) {
		return nil
	}
	if lvl != r.Level {
		nr := slog.NewRecord(r.Time, lvl, r.Message, r.PC)
		r.Attrs(func(a slog.Attr) bool { nr.AddAttrs(a); return true })
		r = nr
	}
	if r.Message == "" {
		r.Message = "client connection ended"
	}
	return q.h.Handle(ctx, r)
}

// WithAttrs wraps the handler with attributes.
func (q quietHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return quietHandler{q.h.WithAttrs(attrs)}
}

// WithGroup wraps the handler with a group.
func (q quietHandler) WithGroup(name string) slog.Handler {
	return quietHandler{q.h.WithGroup(name)}
}
