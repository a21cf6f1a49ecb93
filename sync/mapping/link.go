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
		candidates = l.metadataLinks(e)
	}
	candidates = l.annotationLinks(e, candidates)
	if len(candidates) == 0 {
		return nil, nil
	}

	out := make([]Link, 0, len(candidates))
	var warnings []Warning
	for _, link := range candidates {
		web, creds := checkURL(link.URL)
		switch {
		case creds:
			warnings = append(warnings, linkWarning("dropped link %q: it carries credentials",
				redact(link.URL)))
		case !web:
			warnings = append(warnings, linkWarning("dropped link %q: not an absolute http or https URL",
				link.URL))
		case hasURL(out, link.URL):
		case countType(out, link.Type) == MaxLinksPerType:
			warnings = append(warnings, linkWarning("dropped link %q: more than %d %s links",
				link.URL, MaxLinksPerType, link.Type))
		default:
			out = append(out, link)
		}
	}

	return out, warnings
}

func hasURL(links []Link, u string) bool {
	for _, l := range links {
		if l.URL == u {
			return true
		}
	}

	return false
}

func countType(links []Link, typ string) int {
	n := 0
	for _, l := range links {
		if l.Type == typ {
			n++
		}
	}

	return n
}

func linkWarning(format string, args ...any) Warning {
	return Warning{Field: FieldLinks, Message: fmt.Sprintf(format, args...)}
}

func (l *links) metadataLinks(e *entity) []Link {
	list, _ := e.metadata["links"].([]any)
	out := make([]Link, 0, len(list)+3)
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
	for _, text := range [...]string{typ, icon, title} {
		if t := l.classifyText(strings.ToLower(text)); t != "" {
			return t
		}
	}

	return LinkOther
}

func (l *links) classifyText(text string) string {
	for _, class := range l.classes {
		for _, kw := range class.Keywords {
			if containsWord(text, kw) {
				return class.Type
			}
		}
	}

	return ""
}

// containsWord reports whether word occurs in text between characters other than letters and
// digits, so "ci" is found in "CI pipeline" and "build-ci" but not in "circus".
func containsWord(text, word string) bool {
	if word == "" {
		return false
	}
	for i := 0; i+len(word) <= len(text); {
		j := strings.Index(text[i:], word)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(word)
		if (start == 0 || !isAlnum(text[start-1])) && (end == len(text) || !isAlnum(text[end])) {
			return true
		}
		i = start + 1
	}

	return false
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}

// annotationLinks appends the links made from annotations to out.
func (l *links) annotationLinks(e *entity, out []Link) []Link {
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

// isWebURL reports whether s is an absolute http or https URL with a host and no credentials.
func isWebURL(s string) bool {
	web, creds := checkURL(s)

	return web && !creds
}

// checkURL reports whether s is an absolute http or https URL with a host, and whether it
// carries credentials.
func checkURL(s string) (web, creds bool) {
	if plainWebURL(s) {
		return true, false
	}

	u, err := url.Parse(s)
	if err != nil {
		return false, false
	}

	return (u.Scheme == "http" || u.Scheme == "https") && u.Host != "", u.User != nil
}

const hostChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-"

// plainWebURL is a fast path for the common case: http(s), a host of letters, digits, dots and
// hyphens, and only unreserved or reserved characters after it. Anything else goes to url.Parse.
func plainWebURL(s string) bool {
	rest, ok := strings.CutPrefix(s, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(s, "http://"); !ok {
			return false
		}
	}

	host, path := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host, path = rest[:i], rest[i:]
	}
	if host == "" || strings.Trim(host, hostChars) != "" {
		return false
	}
	for i := 0; i < len(path); i++ {
		if c := path[i]; c <= ' ' || c >= 0x7f || strings.IndexByte(`"<>\^`+"`"+`{|}%`, c) >= 0 {
			return false
		}
	}

	return true
}

// redact hides credentials in a URL before it goes into a warning.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}

	return u.Redacted()
}
