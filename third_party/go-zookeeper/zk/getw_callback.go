package zk

// PATCHED (see PATCHED.md): not in upstream go-zookeeper.

// GetWCallback is GetW for a client that takes watch events from the
// connection's event callback (WithEventCallback): the server arms the data
// watch as for GetW, but no channel is made, so its event reaches the
// callback alone. The watch is recorded by path only (restore.go): it is
// re-sent with the others after a reconnect, so a change made while
// disconnected fires it then. After a session expiry it is dropped without
// an EventNotWatching (the session event says it all); after the server
// refused the re-sent watches it gets one.
func (c *Conn) GetWCallback(path string) ([]byte, *Stat, error) {
	if err := validatePath(path, false); err != nil {
		return nil, nil, err
	}
	res := &getDataResponse{}
	_, err := c.request(opGetData, &getDataRequest{Path: path, Watch: true}, res, func(_ *request, _ *responseHeader, err error) {
		if err == nil {
			c.recordCallbackWatch(path)
		}
	})
	if err != nil {
		return nil, nil, err
	}
	return res.Data, &res.Stat, nil
}
