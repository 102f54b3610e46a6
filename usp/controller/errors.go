package controller

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uspbridge/uspbridge/proto/gen/uspmsg"
	"github.com/uspbridge/uspbridge/usp"
)

// Error is a USP Error Message an Agent returned for a whole request
// (TR-369 §7.4 "Error", codes §7.8).
type Error struct {
	Code      usp.ErrCode
	Message   string
	ParamErrs []ParamError
}

// ParamError is one entry of Error.param_errs.
type ParamError struct {
	Path    string
	Code    usp.ErrCode
	Message string
}

func newError(e *uspmsg.Error) *Error {
	out := &Error{Code: usp.ErrCode(e.GetErrCode()), Message: e.GetErrMsg()}
	for _, p := range e.GetParamErrs() {
		out.ParamErrs = append(out.ParamErrs, ParamError{Path: p.GetParamPath(), Code: usp.ErrCode(p.GetErrCode()), Message: p.GetErrMsg()})
	}
	return out
}

// Error formats the code, its TR-369 name and the Agent's message.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "USP error %d (%s)", uint32(e.Code), e.Code)
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	for _, p := range e.ParamErrs {
		fmt.Fprintf(&b, "; %s: %d (%s) %s", p.Path, uint32(p.Code), p.Code, p.Message)
	}
	return b.String()
}

// TimeoutError reports a request whose answer did not arrive before ctx was
// done. It unwraps to ctx's error (context.DeadlineExceeded or Canceled).
type TimeoutError struct {
	Want  string        // the awaited message, e.g. "GetResp"
	Agent string        // the Agent's Endpoint ID
	MsgID string        // the request's msg_id
	After time.Duration // how long the request waited
	Err   error
}

// Error says what was awaited, from whom, for how long and under which msg_id.
func (e *TimeoutError) Error() string {
	if errors.Is(e.Err, context.DeadlineExceeded) {
		return fmt.Sprintf("no %s from %s within %s (msg_id %s)", e.Want, e.Agent, roundWait(e.After), e.MsgID)
	}
	return fmt.Sprintf("no %s from %s: %v after %s (msg_id %s)", e.Want, e.Agent, e.Err, roundWait(e.After), e.MsgID)
}

// Unwrap returns ctx's error.
func (e *TimeoutError) Unwrap() error { return e.Err }

// roundWait makes "4.9998s" read as the timeout the user asked for.
func roundWait(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}
