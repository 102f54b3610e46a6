// Package proto holds uspbridge's own USP protobuf schemas, written to be
// wire-compatible with the Broadband Forum's usp-msg-1-4.proto and
// usp-record-1-4.proto (TR-369 1.4), and the Go code generated from them in
// proto/gen (committed, so building never needs buf). Only usp/... and
// cmd/... may import proto/gen/...; see README.md.
package proto

// Regenerate from the repo root with buf (pinned here, kept out of go.mod)
// and protoc-gen-go (go.mod tool block), then lint the schemas.
//go:generate sh -c "cd .. && go run github.com/bufbuild/buf/cmd/buf@v1.75.0 generate && go run github.com/bufbuild/buf/cmd/buf@v1.75.0 lint"
