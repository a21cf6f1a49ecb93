package compasssim

// queryRoot returns the Query root object.
func (s *Server) queryRoot() obj {
	return obj{
		"tenantContexts": lazy(s.tenantContexts),
		"compass":        s.compassQuery(),
	}
}

// tenantContexts answers the configured cloud id for the site host, by host name or cloud id.
func (s *Server) tenantContexts(args map[string]any) (any, error) {
	var out []any
	for _, host := range stringList(args["hostNames"]) {
		if host == s.opts.SiteHost {
			out = append(out, s.tenantContext())
		}
	}
	for _, id := range stringList(args["cloudIds"]) {
		if id == s.opts.CloudID {
			out = append(out, s.tenantContext())
		}
	}
	if out == nil {
		out = []any{}
	}
	return out, nil
}

func (s *Server) tenantContext() obj {
	return obj{
		"cloudId":  s.opts.CloudID,
		"hostName": s.opts.SiteHost,
		"cloudUrl": "https://" + s.opts.SiteHost,
	}
}

// compassQuery returns the CompassCatalogQueryApi object.
func (s *Server) compassQuery() obj {
	return obj{}
}
