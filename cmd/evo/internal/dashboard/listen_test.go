package dashboard

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

func TestLoopback(t *testing.T) {
	for _, c := range []struct {
		addr net.Addr
		want bool
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}, true},
		{&net.TCPAddr{IP: net.IPv6loopback}, true},
		{&net.TCPAddr{IP: net.IPv4zero}, false},
		{&net.TCPAddr{IP: net.IPv4(10, 1, 2, 3)}, false},
		{&net.UnixAddr{Name: "/tmp/x"}, false},
	} {
		if got := Loopback(c.addr); got != c.want {
			t.Errorf("Loopback(%v) = %v, want %v", c.addr, got, c.want)
		}
	}
}

// TestServe: Serve answers on its listener and returns nil once its context ends.
func TestServe(t *testing.T) {
	fx := newFixture(t)
	srv := fx.server(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /: %s", resp.Status)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after its context ended: %v", err)
		}
	case <-time.After(time.Minute): // a hang guard
		t.Fatal("Serve did not return after its context ended")
	}
}
