package mapping

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// MaxLinksPerType is Compass's limit on links of one type per component.
const MaxLinksPerType = 10

// Annotations read for links.
const (
	AnnotationSourceLocation = "backstage.io/source-location"
	AnnotationTechDocsRef    = "backstage.io/techdocs-ref"
	AnnotationPagerDuty      = "pagerduty.com/service-id"
)

var linkTypes = []string{
	LinkDocument, LinkChat, LinkRepository, LinkProject, LinkDashboard, LinkOther, LinkOnCall,
}

// links is compiled LinkRules.
type links struct {
	LinkRules
	techDocs  string
	pagerDuty string
	classes   []LinkClass
}

func compileLinks(r LinkRules, key string, c *checker) links {
	l := links{LinkRules: r}
	l.techDocs = checkBaseURL(r.TechDocsBaseURL, key+".techdocs_base_url", c)
	l.pagerDuty = checkBaseURL(r.PagerDutyBaseURL, key+".pagerduty_base_url", c)

	for i, class := range r.Classes {
		if !slices.Contains(linkTypes, class.Type) {
			c.add(fmt.Sprintf("%s.classes[%d].type", key, i), "%q is not one of %s",
				class.Type, strings.Join(linkTypes, ", "))
		}
		l.classes = append(l.classes, LinkClass{Type: class.Type, Keywords: lowerAll(class.Keywords)})
	}
	checkTruth(r.Truth, key+".truth", c)

	return l
}

func checkBaseURL(s, key string, c *checker) string {
	if s == "" {
		return ""
	}
	if !isWebURL(s) {
		c.add(key, "%q is not an absolute http or https URL", s)
	}

	return strings.TrimRight(s, "/")
}

// collect gathers the entity's links: metadata links first, then annotations; it drops
// duplicate URLs, refuses anything but absolute web URLs and keeps MaxLinksPerType of a type.
func (l *links) collect(e *entity) ([]Link, []Warning) {
	var candidates []Link
	if l.FromMetadata {
		candidates = append(candidates, l.metadataLinks(e)...)
	}
	candidates = append(candidates, l.annotationLinks(e)...)

	var out []Link
	var warnings []Warning
	seen := map[string]bool{}
	perType := map[string]int{}
	for _, link := range candidates {
		switch {
		case hasCredentials(link.URL):
			warnings = append(warnings, linkWarning("dropped link %q: it carries credentials",
				redact(link.URL)))
		case !isWebURL(link.URL):
			warnings = append(warnings, linkWarning("dropped link %q: not an absolute http or https URL",
				redact(link.URL)))
		case seen[link.URL]:
		case perType[link.Type] == MaxLinksPerType:
			warnings = append(warnings, linkWarning("dropped link %q: more than %d %s links",
				link.URL, MaxLinksPerType, link.Type))
		default:
			seen[link.URL] = true
			perType[link.Type]++
			out = append(out, link)
		}
	}

	return out, warnings
}

func linkWarning(format string, args ...any) Warning {
	return Warning{Field: FieldLinks, Message: fmt.Sprintf(format, args...)}
}

func (l *links) metadataLinks(e *entity) []Link {
	list, _ := e.metadata["links"].([]any)
	out := make([]Link, 0, len(list))
	for _, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			continue
		}
		link := Link{URL: strings.TrimSpace(str(m["url"])), Name: str(m["title"])}
		link.Type = l.classify(str(m["type"]), str(m["icon"]), link.Name)
		out = append(out, link)
	}

	return out
}

// classify picks the first class with a keyword in typ, then icon, then title.
func (l *links) classify(typ, icon, title string) string {
	for _, text := range []string{typ, icon, title} {
		words := linkWords(text)
		for _, class := range l.classes {
			for _, kw := range class.Keywords {
				if slices.Contains(words, kw) {
					return class.Type
				}
			}
		}
	}

	return LinkOther
}

// linkWords returns the lower-cased text and its words, split at anything but letters and
// digits, and again keeping hyphenated words whole.
func linkWords(text string) []string {
	text = strings.ToLower(strings.TrimSpace(text))
	if text == "" {
		return nil
	}
	alnum := func(r rune) bool { return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' }
	words := strings.FieldsFunc(text, func(r rune) bool { return !alnum(r) })
	hyphened := strings.FieldsFunc(text, func(r rune) bool { return !alnum(r) && r != '-' })

	return append(append(words, hyphened...), text)
}

func (l *links) annotationLinks(e *entity) []Link {
	var out []Link
	if v, ok := e.annotation(AnnotationSourceLocation); ok && l.FromSourceLocation {
		target := strings.TrimPrefix(strings.TrimSpace(v), "url:")
		out = append(out, Link{Type: LinkRepository, URL: target, Name: "Source"})
	}
	if _, ok := e.annotation(AnnotationTechDocsRef); ok && l.techDocs != "" {
		u := fmt.Sprintf("%s/%s/%s/%s", l.techDocs, url.PathEscape(e.namespace),
			url.PathEscape(strings.ToLower(e.kind)), url.PathEscape(e.name))
		out = append(out, Link{Type: LinkDocument, URL: u, Name: "TechDocs"})
	}
	if id, ok := e.annotation(AnnotationPagerDuty); ok && l.pagerDuty != "" && id != "" {
		u := l.pagerDuty + "/service-directory/" + url.PathEscape(id)
		out = append(out, Link{Type: LinkOnCall, URL: u, Name: "PagerDuty"})
	}

	return out
}

// isWebURL reports whether s is an absolute http or https URL with a host.
func isWebURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}

	return (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

// redact hides credentials in a URL before it goes into a warning.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}

	return u.Redacted()
}

func hasCredentials(s string) bool {
	u, err := url.Parse(s)

	return err == nil && u.User != nil
}
