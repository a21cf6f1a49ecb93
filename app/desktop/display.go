package desktop

// CheckDisplay reports ErrNoDisplay when the window cannot open because there is no display to
// open it on. Only Linux and the BSDs need one in the environment; getenv is usually os.Getenv.
func CheckDisplay(goos string, getenv func(string) string) error {
	if generatingBindings {
		// wails generate module runs the program only to collect the bound methods.
		return nil
	}
	switch goos {
	case "linux", "freebsd", "openbsd", "netbsd":
		if getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
			return ErrNoDisplay
		}
	}
	return nil
}
