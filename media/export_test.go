package media

import "github.com/herd-social/herd/shard"

// RefetchWaiters is how many views wait for the fetch of id under way.
func (s *Service) RefetchWaiters(id shard.ID) int {
	s.refetches.Lock()
	defer s.refetches.Unlock()
	if f := s.refetches.m[id]; f != nil {
		return f.waiters
	}
	return 0
}
