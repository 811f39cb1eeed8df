// The checks of an Open Badges 2.0 assertion, as the 1EdTech hosted verification asks:
// the hosted assertion, its BadgeClass and Issuer, where it is hosted, dates, revocation
// and the recipient; each explained in plain words. Results are data ({checks, facts,
// revoked, expired, recipientMismatch}); verify.js shows them.
import * as OB from "./obcheck.js";
import { Problem } from "./unbake.js";

export function checker(site, texts) {
  var fill = OB.fill, isHttp = OB.isHttp, refId = OB.refId, types = OB.types;
  var getJson = site.getJson, local = site.local;
  function date(iso) { return OB.formatDay(iso, texts); }

  function check(list, id, ok, detail) {
    list.push({ id: id, ok: ok, title: texts["check_" + id] || id, detail: detail });
    return ok;
  }

  function sameValue(a, b) { return JSON.stringify(a == null ? null : a) === JSON.stringify(b == null ? null : b); }

  function differences(claimed, hosted) {
    var fields = [];
    var claimedRecipient = claimed.recipient || {}, hostedRecipient = hosted.recipient || {};
    if (!sameValue(claimedRecipient.identity, hostedRecipient.identity) ||
        !sameValue(claimedRecipient.salt, hostedRecipient.salt)) fields.push(texts.field_recipient);
    if (!sameValue(refId(claimed.badge), refId(hosted.badge))) fields.push(texts.field_badge);
    if (!sameValue(OB.day(claimed.issuedOn), OB.day(hosted.issuedOn))) fields.push(texts.field_issued);
    if (!sameValue(OB.day(claimed.expires), OB.day(hosted.expires))) fields.push(texts.field_expires);
    return fields;
  }

  function hostOf(url) {
    try { return new URL(url).host; } catch (e) { return ""; }
  }

  function inScope(assertionId, profile, issuerUrl) {
    var verification = profile && profile.verification || {};
    var starts = [].concat(verification.startsWith || []).filter(function (s) { return typeof s === "string" && s; });
    if (starts.length) {
      return { ok: starts.some(function (s) { return assertionId.indexOf(s) === 0; }), scope: starts.join(", ") };
    }
    var host = hostOf(assertionId);
    var origins = [].concat(verification.allowedOrigins || []).filter(function (s) { return typeof s === "string" && s; });
    if (origins.length) return { ok: origins.indexOf(host) >= 0, scope: origins.join(", ") };
    var issuerHost = hostOf(refId(profile) || issuerUrl);  // an issuer id that is no URL allows no host
    return { ok: !!host && host === issuerHost, scope: issuerHost };
  }

  function verify(claim, email) {
    var checks = [], facts = {};
    var claimed = claim.doc;
    var result = { checks: checks, facts: facts };
    var claimedTypes = types(claimed);
    var readDetail = texts["read_ok_" + claim.kind] || texts.read_ok_json;
    if (!claimed || typeof claimed !== "object" || (claimedTypes.length && claimedTypes.indexOf("Assertion") < 0) ||
        !isHttp(claimed.id)) {
      check(checks, "read", false, texts.read_not_assertion);
      return Promise.resolve(result);
    }
    if (claimed.verification && /signed/i.test(String(claimed.verification.type || ""))) {
      throw new Problem("read_signed");
    }
    check(checks, "read", true, fill(readDetail, { id: claimed.id }));
    facts.assertion = claimed.id;

    return getJson(claimed.id).then(function (hosted) {
      if (hosted.id !== claimed.id) {
        check(checks, "hosted", false, fill(texts.hosted_other_id, { url: claimed.id, other: String(hosted.id) }));
        return result;
      }
      check(checks, "hosted", true, fill(texts.hosted_ok, { url: claimed.id }));
      result.hosted = hosted;
      if (claim.kind !== "link") {
        var fields = differences(claimed, hosted);
        if (claim.verifyAttr && claim.verifyAttr !== claimed.id) fields.push(texts.field_verify);
        check(checks, "match", !fields.length,
              fields.length ? fill(texts.match_fail, { fields: fields.join(", ") }) : texts["match_ok_" + claim.kind] || texts.match_ok_json);
      }
      var badgeUrl = refId(hosted.badge);
      if (!isHttp(badgeUrl)) {
        check(checks, "badge", false, texts.badge_missing);
        return result;
      }
      return getJson(badgeUrl).then(function (badge) {
        if (types(badge).indexOf("BadgeClass") < 0 && types(badge).length) throw new OB.FetchError(badgeUrl, "not a BadgeClass");
        facts.badge = badge;
        facts.badgeUrl = badgeUrl;
        check(checks, "badge", true, fill(texts.badge_ok, { name: badge.name || badgeUrl, url: badgeUrl }));
        var issuerUrl = refId(badge.issuer);
        if (!isHttp(issuerUrl)) {
          check(checks, "issuer", false, texts.issuer_missing);
          return result;
        }
        return getJson(issuerUrl).then(function (profile) {
          facts.issuer = profile;
          var scope = inScope(hosted.id, profile, issuerUrl);
          var name = profile.name || issuerUrl;
          check(checks, "issuer", scope.ok, fill(scope.ok ? texts.issuer_ok : texts.issuer_scope_fail,
                                                 { name: name, url: hosted.id, scope: scope.scope }));
          if (!scope.ok) return result;
          return finish(result, hosted, profile, email);
        }, function (error) {
          check(checks, "issuer", false, fill(texts.fetch_fail, { url: issuerUrl, reason: OB.reasonOf(error) }));
          return result;
        });
      }, function (error) {
        check(checks, "badge", false, fill(texts.fetch_fail, { url: badgeUrl, reason: OB.reasonOf(error) }));
        return result;
      });
    }, function (error) {
      check(checks, "hosted", false, fill(texts.hosted_fail, { url: claimed.id, reason: OB.reasonOf(error) }));
      return result;
    });
  }

  // Dates, revocation and the recipient: only asked once the award is known to be genuine.
  function finish(result, hosted, profile, email) {
    var checks = result.checks, facts = result.facts;
    var now = OB.today(), issued = OB.day(hosted.issuedOn), expires = OB.day(hosted.expires);
    facts.issued = issued;
    facts.expires = expires;
    if (!issued) {
      check(checks, "dates", false, texts.dates_no_issued);
    } else if (issued > now) {
      check(checks, "dates", false, fill(texts.dates_future, { issued: date(issued) }));
    } else if (expires && expires < now) {
      result.expired = true;
      check(checks, "dates", false, fill(texts.dates_expired, { issued: date(issued), expires: date(expires) }));
    } else {
      check(checks, "dates", true, fill(expires ? texts.dates_ok : texts.dates_ok_forever,
                                        { issued: date(issued), expires: date(expires) }));
    }
    var listUrl = refId(profile.revocationList);
    var listPromise = isHttp(listUrl) ? getJson(listUrl).then(function (list) { return { list: list }; },
      function (error) { return { error: error }; }) : Promise.resolve({ none: true });
    return listPromise.then(function (found) {
      var entry = found.list ? OB.findRevocation(found.list, [hosted.id, local(hosted.id), hosted.uid]) : null;
      if (hosted.revoked === true || entry) {
        result.revoked = true;
        var reason = hosted.revocationReason || (entry && entry.revocationReason) || texts.no_reason;
        check(checks, "revocation", false, fill(texts.revoked, { reason: reason }));
      } else if (found.error) {
        check(checks, "revocation", false, fill(texts.revocation_unreachable, { url: listUrl }));
      } else {
        check(checks, "revocation", true, found.none ? texts.revocation_no_list : texts.revocation_ok);
      }
      return OB.recipientMatches(hosted.recipient, email).then(function (match) {
        if (!String(email || "").trim()) {
          check(checks, "recipient", null, texts.recipient_skipped);
        } else if (match === null) {
          check(checks, "recipient", null, texts.recipient_unsupported);
        } else {
          result.recipientMismatch = !match;
          check(checks, "recipient", match, fill(match ? texts.recipient_ok : texts.recipient_fail, { email: email.trim() }));
        }
        return result;
      });
    });
  }

  // The overall answer: [data-verify-outcome value, key of its headline].
  function outcomeOf(result) {
    var failed = result.checks.filter(function (c) { return c.ok === false; }).map(function (c) { return c.id; });
    var genuine = ["read", "hosted", "match", "badge", "issuer"].every(function (id) { return failed.indexOf(id) < 0; }) &&
      result.checks.some(function (c) { return c.id === "revocation"; });
    if (!genuine) return ["invalid", "outcome_invalid"];
    if (result.revoked) return ["revoked", "outcome_revoked"];
    if (result.recipientMismatch) return ["invalid", "outcome_not_recipient"];
    if (failed.indexOf("revocation") >= 0) return ["invalid", "outcome_invalid"];
    if (result.expired) return ["expired", "outcome_expired"];
    if (failed.length) return ["invalid", "outcome_invalid"];
    return ["valid", "outcome_valid"];
  }

  return { verify: verify, outcomeOf: outcomeOf };
}
