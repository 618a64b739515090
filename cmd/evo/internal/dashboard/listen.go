package dashboard

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// Loopback is true when addr is on a loopback interface only: Options.LoopbackOnly.
func Loopback(addr net.Addr) bool {
	ta, ok := addr.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}

// Serve runs s (its refresh loop) and an HTTP server of s on ln until ctx ends, then shuts the
// server down, giving open requests two seconds. It closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	go s.Run(ctx)
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, scancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer scancel()
		hs.Shutdown(sctx)
	}()
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
