package broker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"testing"
)

type capture struct{ levels map[string]slog.Level }

func (c *capture) Enabled(context.Context, slog.Level) bool { return true }
func (c *capture) Handle(_ context.Context, r slog.Record) error {
	c.levels[r.Message] = r.Level
	return nil
}
func (c *capture) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *capture) WithGroup(string) slog.Handler      { return c }

func TestQuietHandlerLevels(t *testing.T) {
	c := &capture{levels: map[string]slog.Level{}}
	log := slog.New(quietHandler{c})
	log.Info("mochi mqtt starting")
	log.Warn("", "error", errors.New("EOF"))
	log.Warn("error processing packet", "error", fmt.Errorf("write: %w", net.ErrClosed))
	log.Warn("client store quota reached", "client", "x")
	log.Warn("error processing packet A", "error", errors.New("protocol violation"))
	log.Error("failed to serve.", "error", errors.New("boom"))
	log.Debug("debug stays debug")
	want := map[string]slog.Level{
		"mochi mqtt starting":        slog.LevelDebug,
		"client connection ended":    slog.LevelDebug,
		"error processing packet":    slog.LevelDebug,
		"client store quota reached": slog.LevelWarn,
		"error processing packet A":  slog.LevelWarn,
		"failed to serve.":           slog.LevelError,
		"debug stays debug":          slog.LevelDebug,
	}
	for msg, lvl := range want {
		if got, ok := c.levels[msg]; !ok || got != lvl {
			t.Errorf("%q logged at %v (present %v), want %v", msg, got, ok, lvl)
		}
	}
}
