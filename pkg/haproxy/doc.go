// Package haproxy is a client for HAProxy's runtime API (the stats socket,
// "management.txt" section 9.3). It knows HAProxy, not synapse: it sends
// commands, splits and checks the answers, and parses the show commands into
// typed rows.
//
// Every call opens a fresh UNIX-socket connection, writes one line, reads to
// EOF and closes, as the original synapse does. A line may carry several
// commands joined by ';' (non-interactive mode); Exec does that and splits the
// combined answer back per command.
//
// # How batched answers are framed
//
// In non-interactive mode HAProxy follows each command's output with one
// "\n". Most messages end with their own "\n", so an answer usually ends with
// an empty line, but not all do: on 2.6, every "del server" message ("Server
// deleted.", "No such server.", ...) and some weight errors lack it, and show
// commands may print several lines. Splitting on blank lines therefore
// misattributes answers. Exec instead puts "show version" after every command
// (HAProxy >= 2.6) and cuts the stream at each version line, which no other
// answer prints. On older HAProxy it falls back to blank-line splitting and
// reports a FramingError when the count does not add up.
package haproxy
