package mqtt

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"

	"github.com/coder/websocket"
)

// dial opens the transport named by u's scheme and returns it ready for
// paho: TCP_NODELAY set, reads buffered, one write per MQTT control packet.
func dial(ctx context.Context, u *url.URL, tlsCfg *tls.Config) (net.Conn, error) {
	port, _ := defaultPort(u.Scheme)
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), port)
	}
	switch u.Scheme {
	case "mqtt", "tcp":
		c, err := dialTCP(ctx, addr)
		if err != nil {
			return nil, err
		}
		return newPacketConn(c), nil
	case "mqtts", "ssl", "tls":
		raw, err := dialTCP(ctx, addr)
		if err != nil {
			return nil, err
		}
		tc := tls.Client(raw, clientTLS(tlsCfg, u.Hostname()))
		if err := tc.HandshakeContext(ctx); err != nil {
			_ = raw.Close()
			return nil, fmt.Errorf("tls handshake: %w", err)
		}
		return newPacketConn(tc), nil
	case "ws", "wss":
		hc := &http.Client{Transport: &http.Transport{
			DialContext:     func(ctx context.Context, _, addr string) (net.Conn, error) { return dialTCP(ctx, addr) },
			TLSClientConfig: clientTLS(tlsCfg, u.Hostname()),
		}}
		ws, _, err := websocket.Dial(ctx, u.String(), &websocket.DialOptions{
			HTTPClient:   hc,
			Subprotocols: []string{"mqtt"}, // [MQTT-6.0.0-3]
		})
		if err != nil {
			return nil, fmt.Errorf("websocket: %w", err)
		}
		ws.SetReadLimit(maxWSMessage)
		// One binary message per Write; a text message ends the connection
		// ([MQTT-6.0.0-1]). The connection lives until Close.
		return newPacketConn(websocket.NetConn(context.Background(), ws, websocket.MessageBinary)), nil
	}
	return nil, fmt.Errorf("unsupported scheme %q", u.Scheme)
}

// dialTCP dials addr with TCP_NODELAY explicitly on. Go already enables it on
// every TCP connection; setting it again documents that USP round trips over
// MQTT depend on it (a Nagle + delayed-ACK stall costs ~40 ms per exchange).
func dialTCP(ctx context.Context, addr string) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	if tc, ok := c.(*net.TCPConn); ok {
		if err := tc.SetNoDelay(true); err != nil {
			_ = c.Close()
			return nil, fmt.Errorf("set TCP_NODELAY: %w", err)
		}
	}
	return c, nil
}

// clientTLS returns a copy of cfg (or a new config) with ServerName set.
func clientTLS(cfg *tls.Config, host string) *tls.Config {
	if cfg == nil {
		cfg = &tls.Config{MinVersion: tls.VersionTLS12} // R-MQTT.48
	} else {
		cfg = cfg.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	return cfg
}

// readBufferSize is the per-connection read buffer. paho reads a packet's
// fixed header one byte at a time; the buffer turns that into one read per
// packet for the common small Record.
const readBufferSize = 1024

// maxKeptWriteBuffer is the largest write buffer kept between packets, so a
// single large Record does not pin memory for the life of the connection.
const maxKeptWriteBuffer = 64 << 10

// packetConn adapts a transport to paho. paho's ControlPacket.WriteTo locks
// the connection (sync.Locker) and then writes one packet in several pieces;
// packetConn collects the pieces and writes the packet once it is complete, so
// each MQTT control packet costs one write system call, one TLS record or one
// WebSocket message. Every paho write goes through WriteTo, so Write is
// always called with the lock held.
type packetConn struct {
	net.Conn
	r   *bufio.Reader
	mu  sync.Mutex // held by paho while it writes one packet
	buf []byte     // the packet being assembled; guarded by mu
}

func newPacketConn(c net.Conn) *packetConn {
	return &packetConn{Conn: c, r: bufio.NewReaderSize(c, readBufferSize)}
}

// Read reads through the buffer.
func (c *packetConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// Lock is taken by paho before it writes one control packet.
func (c *packetConn) Lock() { c.mu.Lock() }

// Unlock is called by paho after it wrote one control packet.
func (c *packetConn) Unlock() { c.mu.Unlock() }

// Write appends p to the packet being assembled and writes the packet to the
// transport once its fixed header says it is complete.
func (c *packetConn) Write(p []byte) (int, error) {
	c.buf = append(c.buf, p...)
	size, ok := packetSize(c.buf)
	if !ok || len(c.buf) < size {
		return len(p), nil
	}
	_, err := c.Conn.Write(c.buf)
	if cap(c.buf) > maxKeptWriteBuffer {
		c.buf = nil
	} else {
		c.buf = c.buf[:0]
	}
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// packetSize returns the total length of the MQTT control packet starting at
// b once its fixed header (type byte and Variable Byte Integer remaining
// length) is complete. A malformed length reports len(b), so the bytes are
// flushed rather than held.
func packetSize(b []byte) (int, bool) {
	remaining, mult := 0, 1
	for i := 1; i < len(b) && i <= 4; i++ {
		remaining += int(b[i]&0x7f) * mult
		if b[i]&0x80 == 0 {
			return 1 + i + remaining, true
		}
		mult *= 128
	}
	if len(b) > 5 {
		return len(b), true
	}
	return 0, false
}

// maxWSMessage bounds one received WebSocket message: USP Records are small,
// and an MQTT packet carrying one fits many times over.
const maxWSMessage = 16 << 20
