// Package render turns synapse's haproxy sections and the services'
// backends into haproxy.cfg: the same bytes the Ruby original writes (plus
// the fixes listed in docs/compatibility.md), and, built as the text is
// written, each backend's structured form (package stanza) and the
// sections the reload diff reads (plan.Config), so nothing reads the text
// back. It is pure: the same Input gives the same Result. The config
// types of the haproxy section live here too, since they are what a
// render reads; the golden tests are in testdata.
package render
