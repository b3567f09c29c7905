// pp_record_view.cc — the record view (pp_record_view.h) over simdjson's DOM
// parser. A line is copied into a padded buffer (simdjson reads up to
// SIMDJSON_PADDING bytes past the end), parsed, and checked for what
// jansson refuses and simdjson does not (duplicate keys, NUL in strings,
// integers between 2^63 and 2^64); the parser and buffers are reused, so a
// record costs no allocation once they have grown.
#include "config.h"
#include "src/pp_record_view.h"
#include "src/pp_json_buf.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>
#include <vector>

using simdjson::dom::element;
using simdjson::dom::element_type;

struct pp_record_view {
    simdjson::dom::parser parser;
    char *pad = nullptr;
    size_t pad_cap = 0;
    bool escapes_u = false; // the line has a \u escape: strings may hold NUL
    std::vector<pp_jfield> fields;
    // scratch of pp_record_view_members (which callers reach through a const view)
    mutable std::vector<pp_jfield> members;
    mutable std::vector<element> nodes; // the arrays and objects handed out as pp_jfield.node
    std::vector<std::string_view> keys;
};

namespace {

// Copies, not references into the temporary result (a range-for over
// get_object().value_unsafe() would iterate a destroyed object).
simdjson::dom::object as_object(element e)
{
    simdjson::dom::object o;
    simdjson::error_code err = e.get_object().get(o); // callers checked the type
    (void)err;
    return o;
}

simdjson::dom::array as_array(element e)
{
    simdjson::dom::array a;
    simdjson::error_code err = e.get_array().get(a);
    (void)err;
    return a;
}

bool has_nul(std::string_view s) { return std::memchr(s.data(), '\0', s.size()) != nullptr; }

// Nonzero when the keys in [base, end) of `k` hold a duplicate.
bool duplicate(std::vector<std::string_view> &k, size_t base)
{
    size_t n = k.size() - base;
    if (n < 2)
        return false;
    if (n <= 16) { // records' objects are small: pairs beat sorting
        for (size_t i = base; i < k.size(); i++)
            for (size_t j = i + 1; j < k.size(); j++)
                if (k[i] == k[j])
                    return true;
        return false;
    }
    std::sort(k.begin() + (long)base, k.end());
    return std::adjacent_find(k.begin() + (long)base, k.end()) != k.end();
}

// What jansson takes the same way: see the header.
bool acceptable(pp_record_view *v, element e)
{
    switch (e.type()) {
    case element_type::OBJECT: {
        simdjson::dom::object o = as_object(e);
        size_t base = v->keys.size();
        for (auto kv : o) {
            if (v->escapes_u && has_nul(kv.key))
                return false;
            v->keys.push_back(kv.key);
        }
        bool dup = duplicate(v->keys, base);
        v->keys.resize(base);
        if (dup)
            return false;
        for (auto kv : o)
            if (!acceptable(v, kv.value))
                return false;
        return true;
    }
    case element_type::ARRAY:
        for (element x : as_array(e))
            if (!acceptable(v, x))
                return false;
        return true;
    case element_type::STRING:
        return !v->escapes_u || !has_nul(e.get_string().value_unsafe());
    case element_type::UINT64: // above INT64_MAX: jansson refuses it
        return false;
    case element_type::DOUBLE:
        return std::isfinite(e.get_double().value_unsafe());
    default:
        return true;
    }
}

pp_jfield make_field(const pp_record_view *v, std::string_view key, element e)
{
    pp_jfield f{};
    f.key = key.data();
    f.key_len = key.size();
    switch (e.type()) {
    case element_type::OBJECT:
        f.type = PP_J_OBJECT;
        f.len = as_object(e).size();
        f.node = v->nodes.size();
        v->nodes.push_back(e);
        break;
    case element_type::ARRAY:
        f.type = PP_J_ARRAY;
        f.len = as_array(e).size();
        f.node = v->nodes.size();
        v->nodes.push_back(e);
        break;
    case element_type::STRING: {
        std::string_view s = e.get_string().value_unsafe();
        f.type = PP_J_STRING;
        f.str = s.data();
        f.len = s.size();
        break;
    }
    case element_type::INT64:
        f.type = PP_J_INT;
        f.i = e.get_int64().value_unsafe();
        break;
    case element_type::DOUBLE:
        f.type = PP_J_REAL;
        f.d = e.get_double().value_unsafe();
        break;
    case element_type::BOOL:
        f.type = e.get_bool().value_unsafe() ? PP_J_TRUE : PP_J_FALSE;
        break;
    default:
        f.type = PP_J_NULL;
    }
    return f;
}

int dump(pp_jbuf *b, element e, int prec)
{
    switch (e.type()) {
    case element_type::OBJECT: {
        if (!pp_jbuf_put(b, "{", 1))
            return 0;
        bool first = true;
        for (auto kv : as_object(e)) {
            if ((!first && !pp_jbuf_put(b, ",", 1)) ||
                !pp_jbuf_string_valid(b, kv.key.data(), kv.key.size()) || !pp_jbuf_put(b, ":", 1) ||
                !dump(b, kv.value, prec))
                return 0;
            first = false;
        }
        return pp_jbuf_put(b, "}", 1);
    }
    case element_type::ARRAY: {
        if (!pp_jbuf_put(b, "[", 1))
            return 0;
        bool first = true;
        for (element x : as_array(e)) {
            if ((!first && !pp_jbuf_put(b, ",", 1)) || !dump(b, x, prec))
                return 0;
            first = false;
        }
        return pp_jbuf_put(b, "]", 1);
    }
    case element_type::STRING: {
        std::string_view s = e.get_string().value_unsafe();
        return pp_jbuf_string_valid(b, s.data(), s.size()); // checked by the parser
    }
    case element_type::INT64:
        return pp_jbuf_int(b, e.get_int64().value_unsafe());
    case element_type::DOUBLE:
        return pp_jbuf_real_prec(b, e.get_double().value_unsafe(), prec);
    case element_type::BOOL:
        return e.get_bool().value_unsafe() ? pp_jbuf_put(b, "true", 4)
                                           : pp_jbuf_put(b, "false", 5);
    default:
        return pp_jbuf_put(b, "null", 4);
    }
}

json_t *tree(element e)
{
    switch (e.type()) {
    case element_type::OBJECT: {
        json_t *o = json_object();
        if (!o)
            return nullptr;
        for (auto kv : as_object(e)) {
            json_t *x = tree(kv.value);
            if (!x || json_object_setn_new_nocheck(o, kv.key.data(), kv.key.size(), x) != 0) {
                json_decref(o);
                return nullptr;
            }
        }
        return o;
    }
    case element_type::ARRAY: {
        json_t *a = json_array();
        if (!a)
            return nullptr;
        for (element x : as_array(e))
            if (json_array_append_new(a, tree(x)) != 0) {
                json_decref(a);
                return nullptr;
            }
        return a;
    }
    case element_type::STRING: {
        std::string_view s = e.get_string().value_unsafe();
        return json_stringn_nocheck(s.data(), s.size());
    }
    case element_type::INT64:
        return json_integer(e.get_int64().value_unsafe());
    case element_type::DOUBLE:
        return json_real(e.get_double().value_unsafe());
    case element_type::BOOL:
        return e.get_bool().value_unsafe() ? json_true() : json_false();
    default:
        return json_null();
    }
}

} // namespace

extern "C" {

pp_status pp_record_view_new(pp_record_view **out, pp_error *err)
{
    *out = new (std::nothrow) pp_record_view;
    if (!*out)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    return PP_OK;
}

void pp_record_view_free(pp_record_view *v)
{
    if (!v)
        return;
    std::free(v->pad);
    delete v;
}

int pp_record_view_parse(pp_record_view *v, const char *line, size_t len)
{
    try {
        v->fields.clear();
        v->members.clear();
        v->nodes.clear();
        v->keys.clear();
        if (len + simdjson::SIMDJSON_PADDING > v->pad_cap) {
            size_t cap = std::max<size_t>(len + simdjson::SIMDJSON_PADDING, 2 * v->pad_cap);
            char *p = static_cast<char *>(std::realloc(v->pad, cap));
            if (!p)
                return 0;
            v->pad = p;
            v->pad_cap = cap;
        }
        std::memcpy(v->pad, line, len);
        std::memset(v->pad + len, 0, simdjson::SIMDJSON_PADDING);
        element root;
        if (v->parser.parse(v->pad, len, false).get(root) != simdjson::SUCCESS ||
            root.type() != element_type::OBJECT)
            return 0;
        // "\u" anywhere (even as "\\u"): only then can a string hold a NUL.
        v->escapes_u = false;
        for (const char *p = line, *end = line + len;
             (p = static_cast<const char *>(std::memchr(p, '\\', (size_t)(end - p)))) &&
             p + 1 < end;
             p += 2)
            if (p[1] == 'u') {
                v->escapes_u = true;
                break;
            }
        if (!acceptable(v, root))
            return 0;
        for (auto kv : as_object(root))
            v->fields.push_back(make_field(v, kv.key, kv.value));
        return 1;
    } catch (...) {
        return 0;
    }
}

const pp_jfield *pp_record_view_fields(const pp_record_view *v, size_t *n)
{
    *n = v->fields.size();
    return v->fields.data();
}

const pp_jfield *pp_record_view_get(const pp_record_view *v, const char *key)
{
    size_t kl = std::strlen(key);
    for (const pp_jfield &f : v->fields)
        if (f.key_len == kl && std::memcmp(f.key, key, kl) == 0)
            return &f;
    return nullptr;
}

const pp_jfield *pp_record_view_members(const pp_record_view *v, const pp_jfield *f, size_t *n)
{
    *n = 0;
    if (!f || f->type != PP_J_OBJECT || f->node >= v->nodes.size())
        return nullptr;
    element e = v->nodes[f->node]; // before the clear: `f` may be one of the members
    try {
        v->members.clear();
        for (auto kv : as_object(e))
            v->members.push_back(make_field(v, kv.key, kv.value));
    } catch (...) {
        return nullptr;
    }
    *n = v->members.size();
    return v->members.data();
}

int pp_jbuf_view_value(pp_jbuf *b, const pp_record_view *v, const pp_jfield *f, int prec)
{
    switch (f->type) {
    case PP_J_OBJECT:
    case PP_J_ARRAY:
        return f->node < v->nodes.size() && dump(b, v->nodes[f->node], prec);
    case PP_J_STRING:
        return pp_jbuf_string_valid(b, f->str, f->len);
    case PP_J_INT:
        return pp_jbuf_int(b, f->i);
    case PP_J_REAL:
        return pp_jbuf_real_prec(b, f->d, prec);
    case PP_J_TRUE:
        return pp_jbuf_put(b, "true", 4);
    case PP_J_FALSE:
        return pp_jbuf_put(b, "false", 5);
    default:
        return pp_jbuf_put(b, "null", 4);
    }
}

int pp_record_view_dump(const pp_record_view *v, const pp_jfield *f, char **buf, size_t *len,
                        size_t *cap)
{
    pp_jbuf b = {*buf, *len, *buf ? *cap : 0};
    int ok = pp_jbuf_view_value(&b, v, f, 15);
    *buf = b.s;
    *len = b.len;
    *cap = b.cap;
    return ok;
}

json_t *pp_record_view_tree(const pp_record_view *v)
{
    json_t *o = json_object();
    if (!o)
        return nullptr;
    for (const pp_jfield &f : v->fields) {
        json_t *x;
        switch (f.type) {
        case PP_J_OBJECT:
        case PP_J_ARRAY:
            x = tree(v->nodes[f.node]);
            break;
        case PP_J_STRING:
            x = json_stringn_nocheck(f.str, f.len);
            break;
        case PP_J_INT:
            x = json_integer(f.i);
            break;
        case PP_J_REAL:
            x = json_real(f.d);
            break;
        case PP_J_TRUE:
            x = json_true();
            break;
        case PP_J_FALSE:
            x = json_false();
            break;
        default:
            x = json_null();
        }
        if (!x || json_object_setn_new_nocheck(o, f.key, f.key_len, x) != 0) {
            json_decref(o);
            return nullptr;
        }
    }
    return o;
}

} // extern "C"
