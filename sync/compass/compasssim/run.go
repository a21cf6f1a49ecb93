package compasssim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// shutdownGrace bounds how long a stopping server waits for requests in flight.
const shutdownGrace = 5 * time.Second

// Run serves a new, empty simulator on addr until ctx ends. It prints the endpoint and how to
// sign in to out, never the token.
func Run(ctx context.Context, addr string, opts Options, out io.Writer) error {
	return New(opts).ListenAndServe(ctx, addr, out)
}

// ListenAndServe serves s on addr until ctx ends, so a simulator can be seeded before it is
// served. It prints the endpoint and how to sign in to out, never the token.
func (s *Server) ListenAndServe(ctx context.Context, addr string, out io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening for the compass simulator: %w", err)
	}

	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		// Requests see ctx end, so injected latency does not hold up the shutdown.
		BaseContext: func(net.Listener) context.Context { return ctx },
	}
	fmt.Fprintf(out, "Compass simulator listening on http://%s/gateway/api/graphql\n", ln.Addr())
	fmt.Fprintf(out, "Site %s, cloud id %s: sign in as %s with the API token given in the options\n",
		s.opts.SiteHost, s.opts.CloudID, s.opts.Email)
	if n := len(s.opts.Teams); n > 0 {
		fmt.Fprintf(out, "%d teams seeded\n", n)
	}

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return fmt.Errorf("serving the compass simulator: %w", err)
	case <-ctx.Done():
	}

	stopCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(stopCtx); err != nil {
		return fmt.Errorf("stopping the compass simulator: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving the compass simulator: %w", err)
	}
	return nil
}
