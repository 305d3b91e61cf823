package desk

import (
	"context"

	"desk/textsearch"
)

// WithoutPrefixExpansion runs fn with no vocabulary at hand, so that the
// help searches in it leave prefixes to the store, as they do while a
// vocabulary is being read; it empties the caches before and after.
func (s *Service) WithoutPrefixExpansion(fn func()) {
	s.cache.vocabularies.clear()
	s.cache.searches.clear()
	s.cache.vocabularyLoad.Lock()
	defer s.cache.vocabularyLoad.Unlock()
	defer s.cache.searches.clear()
	fn()
}

// PrefixExpansions returns the terms the prefixes of a public help search
// would be looked up as.
func (s *Service) PrefixExpansions(ctx context.Context, lang, text string) (map[string][]string, error) {
	pq, aq, err := s.prepareSearch(nil, lang, text, ArticleFilter{})
	if err != nil {
		return nil, err
	}
	var q textsearch.Query
	if q, err = s.expandPrefixes(ctx, pq, aq); err != nil {
		return nil, err
	}
	return q.Expansions, nil
}
