package desktop

import "errors"

// ErrNoDisplay is returned by CheckDisplay on Linux when neither DISPLAY nor WAYLAND_DISPLAY is
// set, so GTK cannot open a window.
var ErrNoDisplay = errors.New("no display: DISPLAY and WAYLAND_DISPLAY are empty")
