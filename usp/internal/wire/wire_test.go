package wire

import (
	"errors"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/uspbridge/uspbridge/proto/gen/uspmsg"
)

func msgField(b []byte, num protowire.Number, val []byte) []byte {
	return protowire.AppendBytes(protowire.AppendTag(b, num, protowire.BytesType), val)
}

func TestCheck(t *testing.T) {
	md := (&uspmsg.Msg{}).ProtoReflect().Descriptor()
	hdr, _ := proto.Marshal(&uspmsg.Header{MsgId: "1", MsgType: uspmsg.Header_GET})
	get, _ := proto.Marshal(&uspmsg.Request{ReqType: &uspmsg.Request_Get{Get: &uspmsg.Get{ParamPaths: []string{"Device."}}}})
	errBody, _ := proto.Marshal(&uspmsg.Error{ErrCode: 7000})
	good := msgField(msgField(nil, 1, hdr), 2, msgField(nil, 1, get))

	tests := []struct {
		name string
		b    []byte
		rule string // "" for valid
	}{
		{"valid", good, ""},
		{"empty body", msgField(msgField(nil, 1, hdr), 2, nil), "R-ENC.3"},
		{"request and error in one body", msgField(msgField(nil, 1, hdr), 2, msgField(msgField(nil, 1, get), 3, errBody)), "R-ENC.3"},
		// The decoder merges two occurrences of body; so must the check.
		{"body split in two", msgField(msgField(msgField(nil, 1, hdr), 2, msgField(nil, 1, get)), 2, msgField(nil, 3, errBody)), "R-ENC.3"},
		{"same member twice is one member", msgField(msgField(msgField(nil, 1, hdr), 2, msgField(nil, 1, get)), 2, msgField(nil, 1, get)), ""},
		{"unknown enum", msgField(msgField(nil, 1, append(protowire.AppendTag(nil, 2, protowire.VarintType), 99)), 2, msgField(nil, 1, get)), "R-ENC.2"},
		{"unknown field skipped", append(good, protowire.AppendVarint(protowire.AppendTag(nil, 99, protowire.VarintType), 1)...), ""},
		{"truncated", good[:len(good)-1], "wire"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Check(tc.b, md)
			var ve *ViolationError
			switch {
			case tc.rule == "" && err != nil:
				t.Fatalf("unexpected %v", err)
			case tc.rule == "wire" && !errors.Is(err, errTruncated):
				t.Fatalf("err %v, want truncated", err)
			case tc.rule != "" && tc.rule != "wire" && (!errors.As(err, &ve) || ve.Rule != tc.rule):
				t.Fatalf("err %v, want %s", err, tc.rule)
			}
		})
	}
}

func TestPeekHeader(t *testing.T) {
	hdr, _ := proto.Marshal(&uspmsg.Header{MsgId: "abc", MsgType: uspmsg.Header_GET_INSTANCES})
	b := append(msgField(nil, 1, hdr), 0x12, 0x7f) // body truncated
	h, ok := PeekHeader(b)
	if !ok || h.MsgID != "abc" || h.MsgType != uspmsg.Header_GET_INSTANCES || !h.HasType {
		t.Fatalf("PeekHeader = %+v %v", h, ok)
	}
	if _, ok := PeekHeader([]byte{0x12, 0x00}); ok {
		t.Fatal("header found in a msg without one")
	}
	if !IsRequestType(uspmsg.Header_GET) || IsRequestType(uspmsg.Header_GET_RESP) || IsRequestType(uspmsg.Header_ERROR) {
		t.Fatal("IsRequestType")
	}
}
