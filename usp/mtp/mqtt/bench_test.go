package mqtt

import (
	"context"
	"encoding/binary"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uspbridge/uspbridge/usp/mtp/mqtt/mqtttest"
)

// BenchmarkRoundTrip measures a USP-sized request/response round trip
// (64-byte request, 320-byte response, like Get Device.DeviceInfo.) between
// a controller Client and an echoing agent Client through the embedded
// broker, one request at a time and with 32 in flight.
func BenchmarkRoundTrip(b *testing.B) {
	benchRoundTrip(b, startBroker(b).URL())
}

// BenchmarkRoundTripMosquitto is BenchmarkRoundTrip through Mosquitto
// (set_tcp_nodelay true), comparable with the obuspa figures in
// reference/usp.md §6.
func BenchmarkRoundTripMosquitto(b *testing.B) {
	benchRoundTrip(b, mqtttest.StartMosquitto(b).URL())
}

func benchRoundTrip(b *testing.B, url string) {
	var agent *Client
	response := make([]byte, 320)
	agent = newClient(b, agentConfig(url), func(ctx context.Context, m Message) {
		resp := slices.Clone(response)
		copy(resp, m.Record[:8])
		_ = agent.Publish(ctx, m.ResponseTopic, resp)
	}, nil)

	var mu sync.Mutex
	pending := map[uint64]chan struct{}{}
	ctrl := newClient(b, ctrlConfig(url), func(_ context.Context, m Message) {
		id := binary.BigEndian.Uint64(m.Record)
		mu.Lock()
		ch := pending[id]
		delete(pending, id)
		mu.Unlock()
		if ch != nil {
			ch <- struct{}{}
		}
	}, nil)
	run(b, agent)
	run(b, ctrl)
	await(b, agent)
	await(b, ctrl)

	var ids atomic.Uint64
	request := func(ctx context.Context) time.Duration {
		id := ids.Add(1)
		req := make([]byte, 64)
		binary.BigEndian.PutUint64(req, id)
		done := make(chan struct{}, 1)
		mu.Lock()
		pending[id] = done
		mu.Unlock()
		start := time.Now()
		if err := ctrl.Publish(ctx, agentTopic, req); err != nil {
			b.Error(err)
			return 0
		}
		select {
		case <-done:
		case <-time.After(waitTimeout):
			b.Error("no response")
		}
		return time.Since(start)
	}

	for _, inFlight := range []int{1, 32} {
		name := "sequential"
		if inFlight > 1 {
			name = "inflight32"
		}
		b.Run(name, func(b *testing.B) {
			var next atomic.Int64
			lat := make([][]time.Duration, inFlight)
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for w := range inFlight {
				wg.Go(func() {
					for next.Add(1) <= int64(b.N) {
						lat[w] = append(lat[w], request(b.Context()))
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			all := slices.Concat(lat...)
			slices.Sort(all)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
			b.ReportMetric(float64(all[len(all)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(all[len(all)*99/100].Microseconds()), "p99-µs")
		})
	}
}
