package zookeeper

import (
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

const weighted = `{"host":"127.0.0.1","port":3000,"name":"i-abc","weight":7}`

// A new payload rewrites the same znode (version bumped, same name and
// owner), so a watcher sees a data change, never a removal; a reporter
// not registered keeps it for the next ReportUp.
func TestZKSetPayloadInPlace(t *testing.T) {
	e := newRealEnv(t)
	r := e.start(t, e.z.Addrs(), 2*time.Second)
	must(t, r.SetPayload(ctx, []byte(weighted))) // not registered: stored only
	if got := e.children(t); len(got) != 0 {
		t.Fatalf("SetPayload before ReportUp created %q", got)
	}
	must(t, r.ReportUp(ctx))
	node := r.Node()
	data, st, err := e.check.Get(node)
	must(t, err)
	if string(data) != weighted {
		t.Fatalf("registered %q, want the stored payload", data)
	}
	must(t, r.SetPayload(ctx, []byte(payload)))
	data, st2, err := e.check.Get(node)
	must(t, err)
	if string(data) != payload || st2.Version != st.Version+1 || st2.Czxid != st.Czxid || st2.EphemeralOwner != st.EphemeralOwner {
		t.Fatalf("after SetPayload: %q version %d->%d czxid %d->%d", data, st.Version, st2.Version, st.Czxid, st2.Czxid)
	}
	if got := e.children(t); len(got) != 1 || r.Node() != node {
		t.Fatalf("children %q, node %s -> %s", got, node, r.Node())
	}
}

// With use_path_encoding the name is the payload, so the node is
// replaced: the new name exists, the old one is gone.
func TestZKSetPayloadPathEncoded(t *testing.T) {
	e := newRealEnv(t)
	r := e.start(t, e.z.Addrs(), 2*time.Second, func(c *Config) { c.UsePathEncoding = true })
	must(t, r.ReportUp(ctx))
	old := r.Node()
	must(t, r.SetPayload(ctx, []byte(weighted)))
	names := e.children(t)
	if len(names) != 1 || e.root+"/"+names[0] == old || r.Node() != e.root+"/"+names[0] {
		t.Fatalf("children %q (old %s, known %s)", names, old, r.Node())
	}
	b, err := registration.ParseChildName(names[0])
	if w, ok := b.WeightInt(); err != nil || !ok || w != 7 {
		t.Fatalf("new name decodes to %+v, %v", b, err)
	}
}
