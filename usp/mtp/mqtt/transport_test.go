package mqtt

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/uspbridge/uspbridge/usp/mtp/mqtt/broker"
)

// exchange checks a request/response round trip between an agent and a
// controller on the given broker URLs.
func exchange(t *testing.T, agentURL, ctrlURL string, tlsCfg *tls.Config) {
	t.Helper()
	var agent *Client
	acfg := agentConfig(agentURL)
	acfg.TLS = tlsCfg
	published := make(chan error, 1)
	agent = newClient(t, acfg, func(ctx context.Context, m Message) {
		published <- agent.Publish(ctx, m.ResponseTopic, append([]byte("resp:"), m.Record...))
	}, nil)
	got := make(chan Message, 1)
	ccfg := ctrlConfig(ctrlURL)
	ccfg.TLS = tlsCfg
	ctrl := newClient(t, ccfg, func(_ context.Context, m Message) { got <- m }, nil)
	run(t, agent)
	run(t, ctrl)
	await(t, agent)
	await(t, ctrl)
	if err := ctrl.Publish(t.Context(), agentTopic, []byte("req")); err != nil {
		t.Fatal(err)
	}
	if err := recv(t, published, "the agent's Publish"); err != nil {
		t.Errorf("agent Publish: %v", err)
	}
	m := recv(t, got, "the response")
	if string(m.Record) != "resp:req" || m.ContentType != ContentType || m.ResponseTopic != agentTopic {
		t.Errorf("received %+v", m)
	}
}

func TestTLSTransport(t *testing.T) {
	serverCfg, clientCfg := selfSignedTLS(t)
	b := startBroker(t, broker.WithTLS(serverCfg))
	if !strings.HasPrefix(b.URL(), "mqtts://") {
		t.Fatalf("URL() = %q", b.URL())
	}
	exchange(t, b.URL(), "ssl://"+b.Addr(), clientCfg)
}

func TestWebSocketTransport(t *testing.T) {
	// MQTT over WebSocket (ws://): a test gateway upgrades to WebSocket with
	// the "mqtt" subprotocol and relays binary messages to the broker's TCP
	// listener.
	b := startBroker(t)
	gw := httptest.NewServer(wsRelay(t, b.Addr()))
	t.Cleanup(gw.Close)
	wsURL := "ws://" + gw.Listener.Addr().String() + "/mqtt"
	exchange(t, wsURL, b.URL(), nil)
}

// wsRelay upgrades /mqtt to WebSocket and relays it to a TCP address.
func wsRelay(t *testing.T, addr string) http.Handler {
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/mqtt" {
			http.NotFound(w, r)
			return
		}
		if !strings.Contains(r.Header.Get("Sec-WebSocket-Protocol"), "mqtt") {
			t.Errorf("client offered subprotocols %q, want mqtt", r.Header.Get("Sec-WebSocket-Protocol"))
		}
		ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"mqtt"}})
		if err != nil {
			return
		}
		tcp, err := net.Dial("tcp", addr)
		if err != nil {
			_ = ws.CloseNow()
			return
		}
		ctx := r.Context()
		wg.Add(1)
		go func() { // broker → client
			defer wg.Done()
			defer ws.CloseNow()
			buf := make([]byte, 4096)
			for {
				n, err := tcp.Read(buf)
				if n > 0 && ws.Write(ctx, websocket.MessageBinary, buf[:n]) != nil {
					return
				}
				if err != nil {
					return
				}
			}
		}()
		defer tcp.Close() // client → broker
		for {
			kind, rd, err := ws.Reader(ctx)
			if err != nil {
				return
			}
			if kind != websocket.MessageBinary {
				t.Errorf("client sent WebSocket message type %v", kind)
				return
			}
			if _, err := io.Copy(tcp, rd); err != nil {
				return
			}
		}
	})
}

// selfSignedTLS returns a server config with a self-signed certificate for
// 127.0.0.1 and a client config trusting it.
func selfSignedTLS(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "broker"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}
	client = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return server, client
}
