package render

// visit is what services did.
type visit struct {
	pieces []piece
	unique bool
	// dirty are the services rendered again; reshaped is whether one of
	// them has a share of another shape than before (more or fewer
	// sections, a chunk or not, more).
	dirty    []int
	reshaped bool
}

// services renders each service's share of the Result into pieces, in
// order, and sets Result.Fresh. With last, a service whose input is the
// same as there keeps its piece without being looked at again. unique
// reports, for a full render, whether every backend has a name of its
// own; last was rendered so.
func (r *renderer) services(last *generation, sharedOn bool) (visit, error) {
	v := visit{unique: true}
	if last != nil {
		v.pieces = last.pieces
	} else {
		v.pieces = make([]piece, len(r.in.Services))
	}
	for i := range r.in.Services {
		svc, p := &r.in.Services[i], &v.pieces[i]
		if last != nil && !p.stale(svc) {
			if p.stanza {
				r.in.Memo.hits++
			}
			r.in.Memo.reused++
			continue
		}
		if last == nil && svc.Config != nil && !svc.Config.Disabled && r.res.stanzas[svc.Config.BackendFor(svc.Name)] != nil {
			v.unique = false
		}
		was := *p
		hit, err := r.piece(svc, sharedOn, p, last != nil)
		if err != nil {
			return visit{}, err
		}
		p.at, p.chunkAt = was.at, was.chunkAt
		v.dirty = append(v.dirty, i)
		v.reshaped = v.reshaped || p.stanza != was.stanza || len(p.sections) != len(was.sections) || p.more != nil || was.more != nil
		if svc.Config != nil && !hit {
			r.res.Fresh = append(r.res.Fresh, i)
		}
	}
	return v, nil
}

// piece renders svc (through the memo) and sets p to its share of the
// Result, copied when own. hit reports whether the memo had it.
func (r *renderer) piece(svc *Service, sharedOn bool, p *piece, own bool) (hit bool, err error) {
	*p = piece{name: svc.Name, config: svc.Config, source: svc.Source}
	if svc.Config == nil {
		return false, nil
	}
	if svc.Config.Disabled {
		p.volatile = true
		return false, nil
	}
	t := r.res.tally()
	lines, kept, err := r.cachedService(svc)
	if err != nil {
		return false, err
	}
	more, err := r.serviceSharedFrontend(svc, sharedOn)
	if err != nil {
		return false, err
	}
	p.stanza, p.chunk, p.volatile = true, lines, kept == notKept
	p.sections, p.more = r.res.since(t, more, own)
	return kept == memoHit, nil
}
