package zk

// PATCHED (see PATCHED.md): not in upstream go-zookeeper.

// GetWCallback is GetW for a client that takes watch events from the
// connection's event callback (WithEventCallback): the server arms the data
// watch as for GetW, but no channel is made and the watch is not recorded,
// so its event reaches the callback alone. The caller must re-arm such
// watches after a reconnect: unrecorded watches are not re-sent with
// SetWatches and get no EventNotWatching.
func (c *Conn) GetWCallback(path string) ([]byte, *Stat, error) {
	if err := validatePath(path, false); err != nil {
		return nil, nil, err
	}
	res := &getDataResponse{}
	_, err := c.request(opGetData, &getDataRequest{Path: path, Watch: true}, res, nil)
	if err != nil {
		return nil, nil, err
	}
	return res.Data, &res.Stat, nil
}
