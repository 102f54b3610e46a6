package mqtt

import (
	"bytes"
	"net"
	"sync"
	"testing"

	"github.com/eclipse/paho.golang/packets"
	"github.com/eclipse/paho.golang/paho"
)

// recordingConn records each Write to the transport.
type recordingConn struct {
	net.Conn
	mu     sync.Mutex
	writes [][]byte
}

func (r *recordingConn) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes = append(r.writes, append([]byte(nil), p...))
	return len(p), nil
}

func TestPacketConnOneWritePerPacket(t *testing.T) {
	// paho writes a packet in pieces under the Locker; each packet must reach
	// the transport as one write, whatever the length of its Variable Byte
	// Integer.
	for _, size := range []int{0, 10, 120, 200, 20000, 3 << 20} {
		rec := &recordingConn{}
		pc := newPacketConn(rec)
		pub := &paho.Publish{QoS: 1, PacketID: 7, Topic: "usp/agent/os::48A98A-HGP09HW9PGW", Payload: bytes.Repeat([]byte{0xAB}, size),
			Properties: &paho.PublishProperties{ContentType: ContentType, ResponseTopic: "usp/controller/ctrl-1"}}
		var want bytes.Buffer
		if _, err := pub.Packet().WriteTo(&want); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := pub.Packet().WriteTo(pc); err != nil {
				t.Fatalf("payload %d: WriteTo: %v", size, err)
			}
		}
		if _, err := packets.NewControlPacket(packets.PINGREQ).WriteTo(pc); err != nil {
			t.Fatal(err)
		}
		if len(rec.writes) != 4 {
			t.Fatalf("payload %d: %d transport writes for 4 packets", size, len(rec.writes))
		}
		for i := range 3 {
			if !bytes.Equal(rec.writes[i], want.Bytes()) {
				t.Fatalf("payload %d: write %d differs from the packet (%d vs %d bytes)", size, i, len(rec.writes[i]), want.Len())
			}
		}
		if !bytes.Equal(rec.writes[3], []byte{0xC0, 0x00}) {
			t.Fatalf("PINGREQ written as %x", rec.writes[3])
		}
		if cap(pc.buf) > maxKeptWriteBuffer {
			t.Errorf("payload %d: write buffer of %d bytes kept", size, cap(pc.buf))
		}
	}
}

func TestPacketSize(t *testing.T) {
	tests := []struct {
		in   []byte
		size int
		ok   bool
	}{
		{nil, 0, false},
		{[]byte{0x30}, 0, false},
		{[]byte{0xC0, 0x00}, 2, true},
		{[]byte{0x30, 0x7F}, 2 + 127, true},
		{[]byte{0x30, 0x80}, 0, false},
		{[]byte{0x30, 0x80, 0x01}, 3 + 128, true},
		{[]byte{0x30, 0xFF, 0xFF, 0xFF, 0x7F}, 5 + 268435455, true},
		{[]byte{0x30, 0xFF, 0xFF, 0xFF, 0xFF}, 0, false},
		{[]byte{0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}, 6, true}, // malformed: flushed
	}
	for _, tt := range tests {
		size, ok := packetSize(tt.in)
		if size != tt.size || ok != tt.ok {
			t.Errorf("packetSize(%x) = %d, %v; want %d, %v", tt.in, size, ok, tt.size, tt.ok)
		}
	}
}
