package mqtt

import (
	"net"
	"net/url"
	"syscall"
	"testing"
)

// tcpNoDelay reads TCP_NODELAY from the socket.
func tcpNoDelay(t *testing.T, c net.Conn) int {
	t.Helper()
	tc, ok := c.(*net.TCPConn)
	if !ok {
		t.Fatalf("%T is not a *net.TCPConn", c)
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var v int
	var serr error
	if err := raw.Control(func(fd uintptr) {
		v, serr = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_NODELAY)
	}); err != nil {
		t.Fatal(err)
	}
	if serr != nil {
		t.Fatal(serr)
	}
	return v
}

func TestDialSetsTCPNoDelay(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()

	c, err := dial(t.Context(), &url.URL{Scheme: "mqtt", Host: ln.Addr().String()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	pc, ok := c.(*packetConn)
	if !ok {
		t.Fatalf("dial returned %T", c)
	}
	if v := tcpNoDelay(t, pc.Conn); v == 0 {
		t.Error("TCP_NODELAY is off on the MQTT connection")
	}
}
