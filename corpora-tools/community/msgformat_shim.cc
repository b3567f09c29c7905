// msgformat_shim.cc — ICU MessageFormat with NAMED arguments, list
// formatting and language display names, behind the C interface declared in
// pp_instruct.h. The C API (umsg_*) takes numbered arguments only, so this
// shim wraps icu::MessageFormat. Every ICU failure and every C++ exception
// becomes a pp_status; nothing escapes into C callers.
#include "config.h"

#include "corpora-tools/community/pp_instruct.h"

#include <unicode/listformatter.h>
#include <unicode/locid.h>
#include <unicode/messagepattern.h>
#include <unicode/msgfmt.h>
#include <unicode/uloc.h>
#include <unicode/unistr.h>
#include <unicode/utypes.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <vector>

namespace {

// Copy a std::string into a malloc'd C string.
pp_status dup_out(const std::string &s, char **out, pp_error *err)
{
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (!p)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    *out = p;
    return PP_OK;
}

// Build an ICU locale from an ICU locale id or a BCP 47 tag.
icu::Locale make_locale(const char *id)
{
    if (!id || !*id)
        return icu::Locale::getRoot();
    if (std::strchr(id, '@') || std::strchr(id, '_'))
        return icu::Locale(id);
    UErrorCode st = U_ZERO_ERROR;
    icu::Locale loc = icu::Locale::forLanguageTag(id, st);
    if (U_FAILURE(st))
        return icu::Locale(id);
    return loc;
}

std::string to_utf8(const icu::UnicodeString &u)
{
    std::string s;
    u.toUTF8String(s);
    return s;
}

} // namespace

extern "C" pp_status pp_msgformat(const char *locale, const char *pattern, const pp_msgarg *args,
                                  size_t nargs, char **out, pp_error *err)
{
    if (!pattern || !out || (nargs && !args))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "pp_msgformat: NULL argument");
    *out = NULL;
    try {
        icu::Locale loc = make_locale(locale);
        UErrorCode st = U_ZERO_ERROR;
        UParseError pe;
        icu::MessageFormat mf(icu::UnicodeString::fromUTF8(pattern), loc, pe, st);
        if (U_FAILURE(st))
            return pp_error_set(err, PP_ERR_PARSE, NULL, 0,
                                "message pattern does not parse (%s) at offset %d: \"%s\"",
                                u_errorName(st), (int)pe.offset, pattern);
        std::vector<icu::UnicodeString> names;
        std::vector<icu::Formattable> vals;
        names.reserve(nargs);
        vals.reserve(nargs);
        for (size_t i = 0; i < nargs; i++) {
            names.push_back(icu::UnicodeString::fromUTF8(args[i].name ? args[i].name : ""));
            switch (args[i].type) {
            case PP_MSGARG_NUMBER:
                vals.emplace_back(args[i].num);
                break;
            case PP_MSGARG_DATE:
                vals.emplace_back(static_cast<UDate>(args[i].num), icu::Formattable::kIsDate);
                break;
            default:
                vals.emplace_back(icu::UnicodeString::fromUTF8(args[i].str ? args[i].str : ""));
                break;
            }
        }
        icu::UnicodeString res;
        mf.format(names.data(), vals.data(), (int32_t)nargs, res, st);
        if (U_FAILURE(st))
            return pp_error_set(err, PP_ERR_ICU, NULL, 0, "message formatting failed (%s): \"%s\"",
                                u_errorName(st), pattern);
        return dup_out(to_utf8(res), out, err);
    } catch (const std::bad_alloc &) {
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    } catch (const std::exception &e) {
        return pp_error_set(err, PP_ERR_ICU, NULL, 0, "message formatting failed: %s", e.what());
    } catch (...) {
        return pp_error_set(err, PP_ERR_ICU, NULL, 0, "message formatting failed");
    }
}

extern "C" pp_status pp_msgformat_names(const char *pattern, char ***names, size_t *n,
                                        pp_error *err)
{
    if (!pattern || !names || !n)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "pp_msgformat_names: NULL argument");
    *names = NULL;
    *n = 0;
    try {
        UErrorCode st = U_ZERO_ERROR;
        UParseError pe;
        icu::UnicodeString pat = icu::UnicodeString::fromUTF8(pattern);
        icu::MessagePattern mp(pat, &pe, st);
        if (U_FAILURE(st))
            return pp_error_set(err, PP_ERR_PARSE, NULL, 0,
                                "message pattern does not parse (%s) at offset %d: \"%s\"",
                                u_errorName(st), (int)pe.offset, pattern);
        std::vector<std::string> found;
        for (int32_t i = 0; i < mp.countParts(); i++) {
            const icu::MessagePattern::Part &p = mp.getPart(i);
            UMessagePatternPartType t = p.getType();
            if (t == UMSGPAT_PART_TYPE_ARG_NUMBER)
                return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                    "numbered argument {%d} in \"%s\": use named arguments",
                                    p.getValue(), pattern);
            if (t != UMSGPAT_PART_TYPE_ARG_NAME)
                continue;
            std::string nm = to_utf8(mp.getSubstring(p));
            bool dup = false;
            for (const auto &f : found)
                if (f == nm)
                    dup = true;
            if (!dup)
                found.push_back(nm);
        }
        if (found.empty())
            return PP_OK;
        char **arr = static_cast<char **>(std::calloc(found.size(), sizeof *arr));
        if (!arr)
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        for (size_t i = 0; i < found.size(); i++) {
            if (dup_out(found[i], &arr[i], err) != PP_OK) {
                pp_strv_free(arr, i);
                return PP_ERR_NOMEM;
            }
        }
        *names = arr;
        *n = found.size();
        return PP_OK;
    } catch (const std::bad_alloc &) {
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    } catch (...) {
        return pp_error_set(err, PP_ERR_ICU, NULL, 0, "message pattern analysis failed");
    }
}

extern "C" void pp_strv_free(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        std::free(v[i]);
    std::free(v);
}

extern "C" pp_status pp_msgformat_locale(const char *tag, const char *calendar,
                                         const char *numbering, char *out, size_t cap,
                                         pp_error *err)
{
    if (!tag || !out || cap == 0)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "pp_msgformat_locale: NULL argument");
    try {
        UErrorCode st = U_ZERO_ERROR;
        icu::Locale loc = icu::Locale::forLanguageTag(tag, st);
        if (U_FAILURE(st) || loc.isBogus())
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "\"%s\" is not a BCP 47 tag", tag);
        if (calendar && *calendar) {
            loc.setKeywordValue("calendar", calendar, st);
        }
        if (numbering && *numbering && U_SUCCESS(st)) {
            loc.setKeywordValue("numbers", numbering, st);
        }
        if (U_FAILURE(st))
            return pp_error_set(err, PP_ERR_ICU, NULL, 0, "cannot set locale keywords on %s (%s)",
                                tag, u_errorName(st));
        const char *name = loc.getName();
        if (std::strlen(name) + 1 > cap)
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "locale id too long for buffer");
        std::strcpy(out, name);
        return PP_OK;
    } catch (const std::bad_alloc &) {
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    } catch (...) {
        return pp_error_set(err, PP_ERR_ICU, NULL, 0, "locale construction failed");
    }
}

extern "C" pp_status pp_list_format(const char *locale, int disjunction, const char *const *items,
                                    size_t n, char **out, pp_error *err)
{
    if (!out || (n && !items))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "pp_list_format: NULL argument");
    *out = NULL;
    try {
        UErrorCode st = U_ZERO_ERROR;
        icu::Locale loc = make_locale(locale);
        icu::ListFormatter *lf = icu::ListFormatter::createInstance(
            loc, disjunction ? ULISTFMT_TYPE_OR : ULISTFMT_TYPE_AND, ULISTFMT_WIDTH_WIDE, st);
        if (U_FAILURE(st) || !lf) {
            delete lf;
            return pp_error_set(err, PP_ERR_ICU, NULL, 0, "no list formatter for %s (%s)",
                                locale ? locale : "root", u_errorName(st));
        }
        std::vector<icu::UnicodeString> v;
        for (size_t i = 0; i < n; i++)
            v.push_back(icu::UnicodeString::fromUTF8(items[i] ? items[i] : ""));
        icu::UnicodeString res;
        lf->format(v.data(), (int32_t)n, res, st);
        delete lf;
        // ICU falls back to root's patterns (English "or"/"and") for a
        // language without list data: refuse rather than mix English in.
        if (U_SUCCESS(st) && std::strcmp(loc.getLanguage(), "en") != 0 && n > 1) {
            UErrorCode st2 = U_ZERO_ERROR;
            icu::ListFormatter *rf = icu::ListFormatter::createInstance(
                icu::Locale::getRoot(), disjunction ? ULISTFMT_TYPE_OR : ULISTFMT_TYPE_AND,
                ULISTFMT_WIDTH_WIDE, st2);
            icu::UnicodeString rres;
            if (rf && U_SUCCESS(st2))
                rf->format(v.data(), (int32_t)n, rres, st2);
            delete rf;
            if (U_SUCCESS(st2) && rres == res)
                return pp_error_set(err, PP_ERR_NOT_FOUND, NULL, 0,
                                    "ICU has no list patterns for %s (it would use root's "
                                    "English ones)",
                                    locale ? locale : "root");
        }
        if (U_FAILURE(st))
            return pp_error_set(err, PP_ERR_ICU, NULL, 0, "list formatting failed (%s)",
                                u_errorName(st));
        return dup_out(to_utf8(res), out, err);
    } catch (const std::bad_alloc &) {
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    } catch (...) {
        return pp_error_set(err, PP_ERR_ICU, NULL, 0, "list formatting failed");
    }
}

extern "C" pp_status pp_language_display_name(const char *code, const char *in_locale, char **out,
                                              pp_error *err)
{
    if (!code || !in_locale || !out)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "pp_language_display_name: NULL argument");
    *out = NULL;
    try {
        UErrorCode st = U_ZERO_ERROR;
        icu::Locale disp = make_locale(in_locale);
        // Refuse a display locale ICU has no data for: ICU would fall back to
        // the process default (often English), i.e. an English name inside
        // another language's prompt.
        icu::Locale lang = make_locale(code);
        const char *dl = disp.getLanguage();
        int32_t cnt = 0;
        const icu::Locale *avail = icu::Locale::getAvailableLocales(cnt);
        bool known = false;
        for (int32_t i = 0; i < cnt && !known; i++)
            known = std::strcmp(avail[i].getLanguage(), dl) == 0;
        if (!known)
            return pp_error_set(err, PP_ERR_NOT_FOUND, NULL, 0,
                                "ICU has no locale data for %s to name languages in", in_locale);
        icu::UnicodeString name;
        lang.getDisplayLanguage(disp, name);
        std::string s = to_utf8(name);
        (void)st;
        if (s.empty() || s == lang.getLanguage())
            return pp_error_set(err, PP_ERR_NOT_FOUND, NULL, 0,
                                "CLDR has no name for %s in %s", code, in_locale);
        return dup_out(s, out, err);
    } catch (const std::bad_alloc &) {
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    } catch (...) {
        return pp_error_set(err, PP_ERR_ICU, NULL, 0, "display name lookup failed");
    }
}
