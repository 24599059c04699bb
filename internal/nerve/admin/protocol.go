// Package admin is nerve's admin socket: the only way to change a running
// nerve's state (maintenance today; more operations fit the same shape).
// It is HTTP with JSON bodies over a local UNIX socket, so who may use it is
// decided by the socket file's owner, group and mode (0660), never by a
// network address. The package holds the wire types, the server side (the
// socket file's life and the routes) and the Client that nerve's command
// line uses. docs/nerve.md "Admin socket" describes the protocol.
package admin

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Routes, relative to the socket. {service} is a configured service name
// or All.
const (
	PathStatus      = "/v1/status"
	PathMaintenance = "/v1/maintenance/" // + {service}
	PathWeight      = "/v1/weight/"      // + {service}
)

// All names every service in a maintenance request.
const All = "all"

// DefaultReason is the reason of a maintenance asked for without one.
const DefaultReason = "maintenance"

// MaxReason bounds a maintenance reason, in bytes.
const MaxReason = 1024

// MaintenanceRequest is the JSON body of POST /v1/maintenance/{service}.
// For, a Go duration ("30m"), ends the maintenance by itself that long
// after the request; "" keeps it until DELETE.
type MaintenanceRequest struct {
	Reason string `json:"reason"`
	For    string `json:"for,omitempty"`
}

// MaintenanceResult answers POST and DELETE /v1/maintenance/{service}.
// Expires is RFC 3339 UTC, absent when the maintenance has no end.
type MaintenanceResult struct {
	Service     string `json:"service"`
	Maintenance bool   `json:"maintenance"`
	Reason      string `json:"reason,omitempty"`
	Expires     string `json:"expires,omitempty"`
}

// MaxMaintenanceFor bounds --for: longer is a permanent maintenance and
// should say so.
const MaxMaintenanceFor = 30 * 24 * time.Hour

// Weight limits: HAProxy's server weights.
const (
	MinWeight = 0
	MaxWeight = 256
	// MaxRamp bounds a ramp's duration.
	MaxRamp = 24 * time.Hour
)

// WeightRequest is the JSON body of PUT /v1/weight/{service}: Weight from
// MinWeight to MaxWeight, reached through go-nerve's warm-up steps from 1
// over Ramp (a Go duration; "" or "0s" sets it at once). DELETE
// /v1/weight/{service} drops the live weight: the configured one applies.
type WeightRequest struct {
	Weight *int   `json:"weight"`
	Ramp   string `json:"ramp,omitempty"`
}

// WeightResult answers PUT and DELETE /v1/weight/{service}: the live
// weight just set (absent after DELETE), and the configured one (absent
// when the config has none).
type WeightResult struct {
	Service    string `json:"service"`
	Weight     *int   `json:"weight,omitempty"`
	Configured *int   `json:"configured,omitempty"`
	Ramp       string `json:"ramp,omitempty"`
	RampEnds   string `json:"ramp_ends,omitempty"`
}

// StatusResult answers GET /v1/status; the same document as GET /status
// on the metrics listener.
type StatusResult struct {
	Services []ServiceStatus `json:"services"`
}

// ServiceStatus is what nerve believes about one service.
type ServiceStatus struct {
	Service             string        `json:"service"`
	Running             bool          `json:"running"`
	Reported            string        `json:"reported"` // up, down or unknown
	ChecksUp            *bool         `json:"checks_up"`
	Maintenance         bool          `json:"maintenance"`
	MaintenanceReason   string        `json:"maintenance_reason,omitempty"`
	MaintenanceSource   string        `json:"maintenance_source,omitempty"` // the spool file: the service or "all"
	MaintenanceExpires  string        `json:"maintenance_expires,omitempty"`
	Weight              WeightStatus  `json:"weight"`
	Checks              []CheckStatus `json:"checks"`
	ConsecutiveFailures int           `json:"consecutive_failures"`
	Restarts            int           `json:"restarts"`
	LastError           string        `json:"last_error,omitempty"`
	Path                string        `json:"path,omitempty"`
}

// WeightStatus is a service's weight: Configured from the config (absent:
// none), Registered in the registration's payload now, and while a live
// weight is set (nerve weight) its Target and ramp progress.
type WeightStatus struct {
	Configured *int   `json:"configured"`
	Registered *int   `json:"registered"`
	Live       bool   `json:"live"`
	Target     *int   `json:"target,omitempty"`
	Step       int    `json:"ramp_step,omitempty"`
	Steps      int    `json:"ramp_steps,omitempty"`
	RampEnds   string `json:"ramp_ends,omitempty"`
}

// CheckStatus is the last result of one check.
type CheckStatus struct {
	Name       string  `json:"name"`
	Type       string  `json:"type"`
	Up         bool    `json:"up"`
	LastOK     bool    `json:"last_ok"`
	LastError  string  `json:"last_error,omitempty"`
	DurationS  float64 `json:"duration_seconds"`
	Skipped    bool    `json:"skipped,omitempty"`
	LastRunUTC string  `json:"last_run,omitempty"`
}

// ErrorResult is the body of every answer that is not 2xx. Service and
// Known are set when the service was unknown (404).
type ErrorResult struct {
	Error   string   `json:"error"`
	Service string   `json:"service,omitempty"`
	Known   []string `json:"known,omitempty"`
}

// UnknownServiceError refuses a service name the running config does not
// have (404).
type UnknownServiceError struct {
	Service string
	Known   []string
}

func (e *UnknownServiceError) Error() string {
	known := "none configured"
	if len(e.Known) > 0 {
		known = strings.Join(e.Known, ", ")
	}
	return fmt.Sprintf("unknown service %q (known: %s; or %s)", e.Service, known, All)
}

// ErrUnavailable is behind a refusal that depends on how nerve runs, not
// on the request, e.g. maintenance without a maintenance directory (409).
var ErrUnavailable = errors.New("unavailable")

// Unavailable is an error saying msg that errors.Is finds ErrUnavailable in.
func Unavailable(msg string) error { return unavailableError(msg) }

type unavailableError string

func (e unavailableError) Error() string { return string(e) }
func (unavailableError) Unwrap() error   { return ErrUnavailable }

// checkReason refuses what could not be stored as one line of a spool
// file or a log attribute without surprises.
func checkReason(r string) error {
	if len(r) > MaxReason {
		return fmt.Errorf("reason is %d bytes, at most %d allowed", len(r), MaxReason)
	}
	for _, c := range r {
		if c < 0x20 || c == 0x7f {
			return fmt.Errorf("reason %q contains a control character", r)
		}
	}
	return nil
}
