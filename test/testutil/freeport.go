package testutil

// PickFreePort is FreePort without a test, for tools: a TCP port on
// 127.0.0.1 that was free a moment ago.
func PickFreePort() (int, error) { return freePort() }
