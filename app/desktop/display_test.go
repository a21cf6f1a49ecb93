package desktop

import (
	"errors"
	"testing"
)

func TestCheckDisplay(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		goos string
		env  map[string]string
		want error
	}{
		{name: "linux without any display has none", goos: "linux", want: ErrNoDisplay},
		{name: "linux with an X display has one", goos: "linux", env: map[string]string{"DISPLAY": ":0"}},
		{
			name: "linux with a Wayland display has one",
			goos: "linux",
			env:  map[string]string{"WAYLAND_DISPLAY": "wayland-0"},
		},
		{name: "freebsd without any display has none", goos: "freebsd", want: ErrNoDisplay},
		{name: "macOS needs no display variable", goos: "darwin"},
		{name: "windows needs no display variable", goos: "windows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			getenv := func(key string) string { return tt.env[key] }
			if err := CheckDisplay(tt.goos, getenv); !errors.Is(err, tt.want) {
				t.Errorf("CheckDisplay(%q): got %v, want %v", tt.goos, err, tt.want)
			}
		})
	}
}
