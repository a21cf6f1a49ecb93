package config

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/backstage-sync/backstage-sync/sync/mapping"
)

// Limits checked by Validate.
const (
	MaxBatchSize   = 50
	MaxConcurrency = 16
	MaxMissingRuns = 100
	// MinEvery is the shortest interval an @every schedule may ask for.
	MinEvery = time.Minute
)

var externalSourcePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$`)

// Validate checks every setting and returns a *ValidationError listing all problems, or nil.
func (s Settings) Validate() error {
	v := &validator{}
	v.backstage(s.Backstage)
	v.compass(s.Compass)
	v.mapping(s.Rules())
	v.sync(s.Sync)
	v.deletion(s.Deletion)

	if len(v.problems) > 0 {
		return &ValidationError{Problems: v.problems}
	}

	return nil
}

type validator struct {
	problems []Problem
}

func (v *validator) add(key, format string, args ...any) {
	v.problems = append(v.problems, Problem{Key: key, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) backstage(b Backstage) {
	if b.URL == "" {
		v.add("backstage.url", "set the Backstage backend URL, for example https://backstage.acme.example")
	} else if msg := checkServiceURL(b.URL); msg != "" {
		v.add("backstage.url", "%s", msg)
	}

	switch b.Auth.Type {
	case AuthToken:
	case AuthClientCredentials:
		v.clientCredentials(b.Auth)
	default:
		v.add("backstage.auth.type", "%q is not token or client_credentials", b.Auth.Type)
	}

	for i, f := range b.Filters {
		if msg := checkCatalogFilter(f); msg != "" {
			v.add(fmt.Sprintf("backstage.filters[%d]", i), "%s", msg)
		}
	}
}

func (v *validator) clientCredentials(a Auth) {
	switch {
	case a.TokenURL == "":
		v.add("backstage.auth.token_url", "set the OAuth2 token endpoint for client credentials")
	case checkServiceURL(a.TokenURL) != "":
		v.add("backstage.auth.token_url", "%s", checkServiceURL(a.TokenURL))
	}
	if strings.TrimSpace(a.ClientID) == "" {
		v.add("backstage.auth.client_id", "set the OAuth2 client id for client credentials")
	}
	for i, scope := range a.Scopes {
		if scope == "" || strings.ContainsAny(scope, " \t\r\n") {
			v.add(fmt.Sprintf("backstage.auth.scopes[%d]", i), "a scope is one word without spaces")
		}
	}
}

func (v *validator) compass(c Compass) {
	if c.Site == "" {
		v.add("compass.site", "set the Compass site, for example acme.atlassian.net")
	} else if _, msg := siteURL(c.Site); msg != "" {
		v.add("compass.site", "%s", msg)
	}

	if c.Email == "" {
		v.add("compass.email", "set the email of the Atlassian account that owns the API token")
	} else if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email {
		v.add("compass.email", "%q is not a plain email address", c.Email)
	}

	if !externalSourcePattern.MatchString(c.ExternalSource) {
		v.add("compass.external_source",
			"use 1 to 64 letters, digits, '.', '_', ':' or '-', for example backstage")
	}
}

func (v *validator) mapping(r mapping.Rules) {
	_, err := mapping.Compile(r)

	var re *mapping.RulesError
	switch {
	case errors.As(err, &re):
		for _, p := range re.Problems {
			v.add(p.Key, "%s", p.Message)
		}
	case err != nil:
		v.add("mapping", "%v", err)
	}
}

func (v *validator) sync(s Sync) {
	if msg := checkSchedule(s.Schedule); msg != "" {
		v.add("sync.schedule", "%s", msg)
	}
	if s.BatchSize < 1 || s.BatchSize > MaxBatchSize {
		v.add("sync.batch_size", "use 1 to %d mutations per request", MaxBatchSize)
	}
	if s.Concurrency < 1 || s.Concurrency > MaxConcurrency {
		v.add("sync.concurrency", "use 1 to %d requests in flight", MaxConcurrency)
	}
	if strings.ContainsAny(s.RenameAnnotation, " \t\r\n") {
		v.add("sync.rename_annotation", "an annotation key has no whitespace")
	}
}

func (v *validator) deletion(d Deletion) {
	for _, kind := range slices.Sorted(maps.Keys(d.Policy)) {
		p := d.Policy[kind]
		key := fmt.Sprintf("deletion.policy[%q]", kind)
		if kind == "" || kind != strings.ToLower(kind) || strings.ContainsAny(kind, " \t:/") {
			v.add(key, "write the entity kind in lower case, for example component")
		}
		if !validPolicy(p) {
			v.add(key, "%q is not keep, deprecate or delete", p)
		}
	}
	if !validPolicy(d.DefaultPolicy) {
		v.add("deletion.default_policy", "%q is not keep, deprecate or delete", d.DefaultPolicy)
	}
	if d.MissingRuns < 1 || d.MissingRuns > MaxMissingRuns {
		v.add("deletion.missing_runs", "use 1 to %d complete listings", MaxMissingRuns)
	}
	if d.ThresholdPercent < 1 || d.ThresholdPercent > 100 {
		v.add("deletion.threshold_percent", "use a percentage from 1 to 100")
	}
	if d.ThresholdCount < 1 {
		v.add("deletion.threshold_count", "use at least 1 component")
	}
	if !mapping.ValidLabel(d.DeprecateLabel) {
		v.add("deletion.deprecate_label", "%q is not a Compass label: use lower case, no whitespace, "+
			"at most %d characters", d.DeprecateLabel, mapping.MaxLabelLength)
	}
}

func validPolicy(p Policy) bool {
	return p == PolicyKeep || p == PolicyDeprecate || p == PolicyDelete
}

// checkServiceURL returns what is wrong with the URL of a service the app calls, or "".
func checkServiceURL(s string) string {
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Host == "" || u.Scheme != "http" && u.Scheme != "https":
		return fmt.Sprintf("%q is not an absolute http or https URL", s)
	case u.User != nil:
		return "keep credentials out of the URL; they belong in the keyring"
	case u.RawQuery != "" || u.Fragment != "":
		return "remove the query and fragment from the URL"
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return "use https; plain http is allowed only for localhost"
	}

	return ""
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)

	return ip != nil && ip.IsLoopback()
}

// SiteURL returns the site's base URL, https://<site> for a bare host name, or "" when the
// site is not valid.
func (c Compass) SiteURL() string {
	u, msg := siteURL(c.Site)
	if msg != "" {
		return ""
	}

	return u
}

func siteURL(site string) (string, string) {
	if !strings.Contains(site, "://") {
		site = "https://" + site
	}
	if msg := checkServiceURL(site); msg != "" {
		return "", msg
	}

	u, _ := url.Parse(site)
	if strings.Trim(u.Path, "/") != "" {
		return "", "give the site without a path, for example acme.atlassian.net"
	}

	return u.Scheme + "://" + u.Host, ""
}

// checkCatalogFilter returns what is wrong with a catalog filter expression, or "".
func checkCatalogFilter(f string) string {
	if strings.TrimSpace(f) == "" {
		return "write key=value conditions separated by commas, for example kind=component"
	}
	for _, cond := range strings.Split(f, ",") {
		key, _, _ := strings.Cut(cond, "=")
		if strings.TrimSpace(key) == "" || strings.ContainsAny(strings.TrimSpace(key), " \t") {
			return fmt.Sprintf("%q has a condition without a key; write key=value or key", f)
		}
	}

	return ""
}

// checkSchedule returns what is wrong with a schedule, or "".
func checkSchedule(s string) string {
	switch s {
	case ScheduleManual, ScheduleRealtime, ScheduleHourly, ScheduleDaily:
		return ""
	}

	if every, ok := strings.CutPrefix(s, "@every "); ok {
		d, err := time.ParseDuration(strings.TrimSpace(every))
		if err != nil || d < MinEvery {
			return fmt.Sprintf("%q: @every needs a duration of at least %s, for example @every 30m", s, MinEvery)
		}
		return ""
	}

	if _, err := cron.ParseStandard(s); err != nil {
		return fmt.Sprintf("%q is not manual, realtime, hourly, daily or a cron expression "+
			"such as \"0 * * * *\" (%v)", s, err)
	}

	return ""
}
