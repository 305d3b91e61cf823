package web

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// muxWildcard matches a ServeMux wildcard: {name}, {name...} or {$}.
var muxWildcard = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)?(\.\.\.)?\$?\}`)

// openAPIPath turns a ServeMux path pattern into an OpenAPI path template.
func openAPIPath(pattern string) string {
	return muxWildcard.ReplaceAllStringFunc(pattern, func(w string) string {
		if w == "{$}" {
			return ""
		}
		return "{" + strings.TrimSuffix(strings.Trim(w, "{}"), "...") + "}"
	})
}

type openAPIOperation struct {
	Security   *[]map[string][]string `json:"security"`
	Parameters []struct {
		Ref  string `json:"$ref"`
		Name string `json:"name"`
		In   string `json:"in"`
	} `json:"parameters"`
	Responses map[string]json.RawMessage `json:"responses"`
}

type openAPIDocument struct {
	OpenAPI    string                                `json:"openapi"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Parameters map[string]struct {
			Name string `json:"name"`
			In   string `json:"in"`
		} `json:"parameters"`
		Schemas map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// TestOpenAPIMatchesRoutes keeps the OpenAPI document and the route table
// equal: every route is documented, nothing undocumented is served, public
// routes are marked as needing no token, and path parameters are declared.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc openAPIDocument
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Errorf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
	for _, name := range []string{"Case", "Message", "Attachment", "Problem", "NewCase", "Reply", "InfoRequest", "Resolution", "Escalation", "ImportRequest", "ImportedCase"} {
		if _, ok := doc.Components.Schemas[name]; !ok {
			t.Errorf("openapi.json has no schema %s", name)
		}
	}

	documented := map[string]openAPIOperation{}
	for path, item := range doc.Paths {
		for key, raw := range item {
			if !slices.Contains(httpMethods, key) {
				continue
			}
			var op openAPIOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", key, path, err)
			}
			documented[strings.ToUpper(key)+" "+path] = op
		}
	}
	served := map[string]route{}
	for _, rt := range routes {
		k := rt.Method + " " + openAPIPath(rt.Pattern)
		if _, dup := served[k]; dup {
			t.Errorf("route %s is in the table twice", k)
		}
		served[k] = rt
	}

	for k := range served {
		if _, ok := documented[k]; !ok {
			t.Errorf("route %s is not in openapi.json", k)
		}
	}
	for k := range documented {
		if _, ok := served[k]; !ok {
			t.Errorf("openapi.json documents %s, which is not a route", k)
		}
	}

	for k, rt := range served {
		op, ok := documented[k]
		if !ok {
			continue
		}
		public := op.Security != nil && len(*op.Security) == 0
		if public != rt.Public {
			t.Errorf("%s: public route = %v, but openapi.json says security: [] is %v", k, rt.Public, public)
		}
		if len(op.Responses) == 0 {
			t.Errorf("%s: no responses documented", k)
		}
		path := k[strings.IndexByte(k, ' ')+1:]
		for _, m := range regexp.MustCompile(`\{(\w+)\}`).FindAllStringSubmatch(path, -1) {
			declared := false
			for _, p := range op.Parameters {
				name, in := p.Name, p.In
				if p.Ref != "" {
					c := doc.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
					name, in = c.Name, c.In
				}
				declared = declared || (name == m[1] && in == "path")
			}
			if !declared {
				t.Errorf("%s: path parameter %s is not declared", k, m[1])
			}
		}
	}
}

func TestOpenAPIPath(t *testing.T) {
	for in, want := range map[string]string{
		"/api/v1/cases/{id}":          "/api/v1/cases/{id}",
		"/api/v1/cases/{id}/messages": "/api/v1/cases/{id}/messages",
		"/files/{path...}":            "/files/{path}",
		"/api/v1/{$}":                 "/api/v1/",
		"/healthz":                    "/healthz",
	} {
		if got := openAPIPath(in); got != want {
			t.Errorf("openAPIPath(%q) = %q, want %q", in, got, want)
		}
	}
}
