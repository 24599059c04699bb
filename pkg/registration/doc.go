// Package registration is the ZooKeeper wire format shared by nerve (which
// writes it) and synapse (which reads it), byte-compatible with Airbnb's
// Ruby originals so that either side can be swapped host by host. It is
// public because other readers (Prometheus's nerve service discovery, for
// one) consume the same znodes.
//
// # Payload
//
// For each healthy service instance nerve creates a child of the service's
// zk_path whose data is compact JSON with keys in this fixed order, the
// optional ones only when configured:
//
//	{"host":"1.2.3.4","port":3000,"name":"mymachine","weight":2,"haproxy_server_options":"backup","labels":{"az":"us-east-1a"}}
//
// name is nerve's instance_id, not the service name. port keeps its JSON
// type: a configured "3000" is written as a string. Labels keep their
// configured order. Strings are escaped as Ruby's JSON.generate escapes
// them, which is not encoding/json's default (see Marshal, Value).
//
// # Child names
//
// Without path encoding the child is "<instance_id>_" plus ZooKeeper's
// 10-digit sequence, e.g. mymachine_0000000012. With use_path_encoding the
// payload also goes into the name, so readers need not fetch every node:
// "base64_<L>_<B>_" where B is the URL-safe base64, with "=" padding, of the
// exact payload bytes and L = len(B). The payload
//
//	{"host":"127.0.0.1","port":6007,"name":"macbook-pro"}
//
// (53 bytes) gives
//
//	base64_72_eyJob3N0IjoiMTI3LjAuMC4xIiwicG9ydCI6NjAwNywibmFtZSI6Im1hY2Jvb2stcHJvIn0=_0000000000
//
// Above MaxEncodedLen characters nerve silently falls back to the plain
// name. The node data holds the payload in both cases.
//
// # Reading
//
// Synapse turns each child into a Backend (name, host, port, id, weight,
// haproxy_server_options, labels): from the child name when it is
// base64-encoded (ParseChildName), else from the node data (ParseChild),
// in nerve format or as a Finagle ServerSet member. id is the child name's
// numeric sequence suffix (SequenceID). Values pass through in their JSON
// types; Parse fails only where a proxy could not use the data, and the
// caller skips that child.
//
// # Validating
//
// Parse accepts what the originals could read. Backend.Validate is the
// stricter check a reader applies before a value reaches a config line, a
// command or a template: host an IP literal or RFC 1123 hostname, port
// 0-65535, no control character in any string. Synapse applies it to
// every watcher's snapshot and skips what fails.
//
// # Differences from the Ruby originals
//
//   - A base64 child name is validated like node data (the original used
//     whatever decoded); when it fails the reader falls back to the data.
//   - "base64_<L>_" must be at the start and the L characters must be
//     followed by "_" or the end of the name (the original searched for the
//     first "<digits>_" anywhere).
//   - A non-string host or name, a non-object labels or an unusable port
//     makes the child invalid instead of producing a broken HAProxy line or
//     a crash. A non-string haproxy_server_options is ignored, as in the
//     original, but reported (Backend.Ignored).
//   - JSON parsing: invalid UTF-8 inside strings reads as U+FFFD; comments
//     are not accepted (some Ruby json versions skip /* */); nesting is
//     limited to 100 levels as in Ruby.
//   - PrefixPath drops trailing slashes of zk_path.
package registration
