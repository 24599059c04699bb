package admin

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// parseFor reads a maintenance's "for"; "" is none (0).
func parseFor(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return 0, fmt.Errorf("for %q: want a duration such as 30m or 2h", s)
	case d <= 0 || d > MaxMaintenanceFor:
		return 0, fmt.Errorf("for %q: want more than 0 and at most %s", s, MaxMaintenanceFor)
	}
	return d, nil
}

// checkWeight validates a weight request and returns its ramp.
func checkWeight(req WeightRequest) (time.Duration, error) {
	if req.Weight == nil {
		return 0, errors.New(`weight: missing; want {"weight": N} with N from 0 to 256`)
	}
	w := *req.Weight
	if w < MinWeight || w > MaxWeight {
		return 0, fmt.Errorf("weight %d: want %d to %d (HAProxy's server weights)", w, MinWeight, MaxWeight)
	}
	if req.Ramp == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(req.Ramp)
	switch {
	case err != nil:
		return 0, fmt.Errorf("ramp %q: want a duration such as 60s", req.Ramp)
	case d < 0 || d > MaxRamp:
		return 0, fmt.Errorf("ramp %q: want 0 to %s", req.Ramp, MaxRamp)
	case d > 0 && w == 0:
		return 0, errors.New("ramp: a ramp climbs from 1 to the weight; weight 0 is set at once, without --ramp")
	}
	return d, nil
}

func (h handler) weight(w http.ResponseWriter, r *http.Request) {
	res := WeightResult{Service: r.PathValue("service")}
	var ramp time.Duration
	if r.Method == http.MethodPut {
		var req WeightRequest
		if err := decode(w, r, &req); err != nil {
			writeError(w, http.StatusBadRequest, err)
			return
		}
		var err error
		if ramp, err = checkWeight(req); err != nil {
			writeError(w, http.StatusBadRequest, err)
			return
		}
		res.Weight = req.Weight
		if ramp > 0 {
			res.Ramp = ramp.String()
		}
	}
	peer := peerAttrs(r.Context())
	ends, configured, err := h.c.SetWeight(res.Service, res.Weight, ramp)
	if err != nil {
		h.log.Warn("admin socket: weight refused", append(peer, "service", res.Service, "err", err)...)
		writeError(w, statusOf(err), err)
		return
	}
	res.Configured = configured
	if !ends.IsZero() && ramp > 0 {
		res.RampEnds = ends.UTC().Format(time.RFC3339)
	}
	h.log.Info("admin socket: weight set", append(peer, "service", res.Service, "weight", weightAttr(res.Weight), "ramp", res.Ramp)...)
	writeJSON(w, http.StatusOK, res)
}

func weightAttr(p *int) any {
	if p == nil {
		return "configured"
	}
	return *p
}
