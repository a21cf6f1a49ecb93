package compasssim

// mutationRoot returns the Mutation root object.
func (s *Server) mutationRoot() obj {
	return obj{"compass": obj{}}
}
