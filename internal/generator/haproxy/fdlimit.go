package haproxy

// fdLimit is processFDLimit, 0 when it cannot be read: render caps slot
// pools with health checks by it (render.Input.FDLimit).
func fdLimit() int {
	l, err := processFDLimit()
	if err != nil {
		return 0
	}
	return l
}
