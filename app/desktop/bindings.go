//go:build bindings

package desktop

// generatingBindings is true in the build that wails generate module runs to write the
// TypeScript bindings; that build never opens a window.
const generatingBindings = true
