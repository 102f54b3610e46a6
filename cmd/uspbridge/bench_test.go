package main

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uspbridge/uspbridge/routeros/sim"
	"github.com/uspbridge/uspbridge/usp/mtp/mqtt/broker"
	"github.com/uspbridge/uspbridge/usp/mtp/mqtt/mqtttest"
)

// BenchmarkGetDeviceInfo measures a USP Get of Device.DeviceInfo. end to end:
// controller → MQTT broker → agent → TR-181 core → RouterOS API (simulator)
// and back, sequentially and with 32 requests in flight. It reports
// throughput and latency percentiles.
func BenchmarkGetDeviceInfo(b *testing.B) {
	br, err := broker.Start(context.Background(), "127.0.0.1:0", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer br.Close()
	benchGet(b, br.URL())
}

// BenchmarkGetDeviceInfoMosquitto is the same through Mosquitto
// (set_tcp_nodelay true), the broker of usp.md §6's obuspa figures.
func BenchmarkGetDeviceInfoMosquitto(b *testing.B) {
	benchGet(b, mqtttest.StartMosquitto(b).URL())
}

func benchGet(b *testing.B, brokerURL string) {
	s := startSite(b, brokerURL, map[string]*sim.Profile{"bench": sim.Builtin(sim.BuiltinOptions{})})
	agent := s.agent("bench")
	paths := []string{"Device.DeviceInfo."}
	for _, inflight := range []int{1, 32} {
		b.Run(fmt.Sprintf("inflight=%d", inflight), func(b *testing.B) {
			lat := make([]time.Duration, b.N)
			var next atomic.Int64
			var failMu sync.Mutex
			var failed error
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for w := 0; w < inflight; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := next.Add(1) - 1
						if i >= int64(b.N) {
							return
						}
						ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
						t0 := time.Now()
						res, err := s.ctl.Get(ctx, agent, paths, 0)
						lat[i] = time.Since(t0)
						cancel()
						if err == nil {
							err = res[0].Err()
						}
						if err != nil {
							failMu.Lock()
							failed = err
							failMu.Unlock()
							return
						}
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			if failed != nil {
				b.Fatal(failed)
			}
			slices.Sort(lat)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

// BenchmarkMemoryPerDevice reports the heap the bridge holds per router
// (DESIGN.md §1 target: at most 1 MiB): 100 simulated routers, each with
// its RouterOS session, MQTT connection and USP Agent up and one Get of
// Device. answered. The simulators are created before the first reading so
// their own state is not counted.
func BenchmarkMemoryPerDevice(b *testing.B) {
	const n = 100
	br, err := broker.Start(context.Background(), "127.0.0.1:0", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer br.Close()
	base := sim.Builtin(sim.BuiltinOptions{})
	profiles := map[string]*sim.Profile{}
	for i := 1; i <= n; i++ {
		profiles[fmt.Sprintf("r%03d", i)] = base.Variant(i)
	}
	for range b.N {
		heapBefore := heapInUse()
		s := startSite(b, br.URL(), profiles)
		for dev := range profiles {
			s.getAll(b, dev, "Device.")
		}
		heapAfter := heapInUse()
		b.ReportMetric(float64(heapAfter-heapBefore)/n/1024, "KiB/device")
		s.stop()
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}
