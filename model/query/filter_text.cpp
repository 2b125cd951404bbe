#include "query/filter_text.h"

#include <regex.h>
#include <traceevent/event-parse.h>

#include <algorithm>
#include <cctype>
#include <string_view>
#include <vector>

namespace kestrel {
namespace {

struct Problem {
    std::string what;
    size_t column = kNoColumn;
};

Status fail(const std::string& text, const Problem& p, size_t* column) {
    if (column) *column = p.column;
    std::string where =
        p.column == kNoColumn ? "" : "column " + std::to_string(p.column + 1) + ": ";
    return Status::error("filter \"" + text + "\": " + where + p.what);
}

bool isNameChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// libtraceevent 1.7 reads past the end of the text, and crashes, on a trailing operator
// ("prev_prio <", "a == 1 &&") or an unclosed string; the user types this text, so such
// input is refused before it gets there. Parts separated by ',' are checked one by one.
bool checkSyntax(const std::string& text, Problem& p) {
    bool quoted = false;
    char quote = 0;
    size_t quoteAt = 0;
    char last = 0;
    size_t lastAt = 0;
    auto endOfPart = [&]() {
        if (quoted) {
            p = {"the string opened here (" + std::string(1, quote) + ") is never closed", quoteAt};
            return false;
        }
        if (last && std::string_view("<>=!&|~(").find(last) != std::string_view::npos) {
            p = {"the expression ends with '" + std::string(1, last) + "'", lastAt};
            return false;
        }
        return true;
    };
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '\\')
                ++i;
            else if (c == quote)
                quoted = false;
            last = 'x';
            continue;
        }
        if (c == '"' || c == '\'') {
            quoted = true;
            quote = c;
            quoteAt = i;
        }
        if (c == ',') {
            if (!endOfPart()) return false;
            last = 0;
            continue;
        }
        if (c != ' ' && c != '\t' && c != '\n') {
            last = c;
            lastAt = i;
        }
    }
    return endOfPart();
}

// A token of the expression, as libtraceevent's tokenizer cuts it (event-parse.c,
// __read_token): names and numbers are runs of letters, digits and '_'; strings are quoted.
struct Token {
    enum Kind { Name, Number, String, Other } kind = Other;
    size_t at = 0;
    std::string text;
};

std::vector<Token> tokens(const std::string& text, size_t from) {
    std::vector<Token> out;
    for (size_t i = from; i < text.size();) {
        const char c = text[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
        } else if (c == '"' || c == '\'') {
            size_t end = i + 1;
            while (end < text.size() && text[end] != c) end += text[end] == '\\' ? 2 : 1;
            out.push_back({Token::String, i, text.substr(i, end + 1 - i)});
            i = end + 1;
        } else if (isNameChar(c)) {
            size_t end = i;
            while (end < text.size() && isNameChar(text[end])) ++end;
            bool number = std::isdigit(static_cast<unsigned char>(c));
            out.push_back({number ? Token::Number : Token::Name, i, text.substr(i, end - i)});
            i = end;
        } else {
            out.push_back({Token::Other, i, std::string(1, c)});
            ++i;
        }
    }
    return out;
}

// libtraceevent joins '~' to an '=' or '!' right before it (event-filter.c,
// filter_read_token); a '~' anywhere else is bitwise not, which between two values means
// nothing a filter wants: a regular expression match was meant.
bool checkTilde(const std::string& text, Problem& p) {
    for (const Token& t : tokens(text, 0)) {
        if (t.kind != Token::Other || t.text != "~") continue;
        if (t.at > 0 && (text[t.at - 1] == '=' || text[t.at - 1] == '!')) continue;
        p = {
            "'~' is not a comparison: write =~ to match a regular expression (!~: does not "
            "match)",
            t.at};
        return false;
    }
    return true;
}

std::string_view trimmed(std::string_view s, size_t& at) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
        s.remove_prefix(1);
        ++at;
    }
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// Compiles "^name$" as event-filter.c's find_event does.
class NameRegex {
public:
    NameRegex(const NameRegex&) = delete;
    NameRegex& operator=(const NameRegex&) = delete;
    explicit NameRegex(std::string_view name) {
        std::string pattern = "^" + std::string(name) + "$";
        m_ok = regcomp(&m_re, pattern.c_str(), REG_ICASE | REG_NOSUB) == 0;
    }
    ~NameRegex() {
        if (m_ok) regfree(&m_re);
    }
    bool ok() const { return m_ok; }
    bool matches(const std::string& s) const {
        return regexec(&m_re, s.c_str(), 0, nullptr, 0) == 0;
    }

private:
    regex_t m_re{};
    bool m_ok = false;
};

// The events an entry of the event list names ("name" or "system/name").
bool findEvents(std::string_view entry, size_t at, const EventFormats& formats,
                std::vector<const EventType*>& events, Problem& p) {
    size_t slash = entry.find('/');
    std::string_view system = slash == std::string_view::npos ? "" : entry.substr(0, slash);
    std::string_view name = slash == std::string_view::npos ? entry : entry.substr(slash + 1);
    NameRegex nameRe(name), systemRe(system);
    if (!nameRe.ok() || (!system.empty() && !systemRe.ok())) {
        p = {"\"" + std::string(entry) + "\" is not a valid event name or pattern", at};
        return false;
    }
    bool found = false;
    for (const EventType& t : formats.types()) {
        bool match = system.empty() ? nameRe.matches(t.name) || nameRe.matches(t.system)
                                    : systemRe.matches(t.system) && nameRe.matches(t.name);
        if (!match) continue;
        found = true;
        if (const EventType* parsed = formats.type(t.id); parsed && parsed->tep)
            events.push_back(parsed);
    }
    if (!found) p = {"no event named \"" + std::string(entry) + "\"", at};
    return found;
}

bool hasField(const EventType& t, const std::string& name) {
    return tep_find_any_field(t.tep, name.c_str()) != nullptr;
}

std::string fieldList(const EventType& t) {
    std::string list;
    for (tep_format_field* f = t.tep->format.fields; f; f = f->next) {
        if (!list.empty()) list += ", ";
        list += f->name;
    }
    return list;
}

// The names of the expression that libtraceevent would look up as fields.
std::vector<Token> fieldNames(const std::string& text, size_t from) {
    std::vector<Token> names;
    for (const Token& t : tokens(text, from)) {
        if (t.kind == Token::Name && t.text != "COMM" && t.text != "CPU") names.push_back(t);
    }
    return names;
}

bool checkFields(const std::string& text, size_t from, const std::vector<const EventType*>& events,
                 Problem& p) {
    const std::vector<Token> all = tokens(text, from);
    for (size_t i = 0; i < all.size(); ++i) {
        const Token& name = all[i];
        if (name.kind != Token::Name || name.text == "COMM" || name.text == "CPU") continue;
        if (std::any_of(events.begin(), events.end(),
                        [&](const EventType* t) { return hasField(*t, name.text); })) {
            continue;
        }
        std::string what = events.size() == 1
                               ? events[0]->name + " has no field \"" + name.text +
                                     "\" (its fields: " + fieldList(*events[0]) + ")"
                               : "none of the " + std::to_string(events.size()) +
                                     " events named has a field \"" + name.text + "\"";
        std::string lower = name.text;
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower == "comm") what += "; COMM is the task's name";
        if (lower == "cpu") what += "; CPU is the event's CPU";
        // `prev_comm == bash`: a string was meant.
        bool afterComparison =
            i > 0 && all[i - 1].kind == Token::Other &&
            std::string_view("=~<>").find(all[i - 1].text[0]) != std::string_view::npos;
        if (afterComparison) what += "; text to compare with goes in quotes: \"" + name.text + "\"";
        p = {what, name.at};
        return false;
    }
    return true;
}

// "prev_pid == 0" without the events it applies to: an example naming an event that has
// every field the text names.
std::string exampleFor(const std::string& text, const EventFormats& formats) {
    const std::vector<Token> names = fieldNames(text, 0);
    // Tracepoints first: ftrace's own formats (context_switch, wakeup) describe the
    // tracers' entries, which a trace of events does not hold.
    for (bool ftrace : {false, true}) {
        for (const EventType& t : formats.types()) {
            if ((t.system == "ftrace") != ftrace || names.empty()) continue;
            const EventType* parsed = formats.type(t.id);
            if (!parsed || !parsed->tep) continue;
            if (std::all_of(names.begin(), names.end(),
                            [&](const Token& n) { return hasField(*parsed, n.text); })) {
                return parsed->name + ": " + text;
            }
        }
    }
    return "sched_switch: prev_pid == 0";
}

bool looksLikeExpression(std::string_view entry) {
    return entry.find_first_of(" \t=<>!&\"'~") != std::string_view::npos;
}

}  // namespace

Status checkFilterText(const std::string& text, const EventFormats& formats, size_t* column) {
    if (column) *column = kNoColumn;
    Problem p;
    if (!checkSyntax(text, p) || !checkTilde(text, p)) return fail(text, p, column);
    // As event-filter.c reads it: the event list runs to the first ':', or to the end.
    const size_t colon = text.find(':');
    const size_t listEnd = colon == std::string::npos ? text.size() : colon;
    std::vector<const EventType*> events;
    for (size_t start = 0; start <= listEnd;) {
        size_t comma = text.find(',', start);
        size_t end = comma == std::string::npos || comma > listEnd ? listEnd : comma;
        size_t at = start;
        std::string_view entry = trimmed(std::string_view(text).substr(start, end - start), at);
        if (entry.empty()) return fail(text, {"an event name is missing", at}, column);
        if (colon == std::string::npos && looksLikeExpression(entry)) {
            p = {"name the events it applies to first, as in \"" + exampleFor(text, formats) +
                     "\" (\".*: \" for every event)",
                 kNoColumn};
            return fail(text, p, column);
        }
        if (!findEvents(entry, at, formats, events, p)) return fail(text, p, column);
        start = end + 1;
    }
    if (colon != std::string::npos && !checkFields(text, colon + 1, events, p))
        return fail(text, p, column);
    return Status();
}

std::string describeFilterError(const std::string& text, size_t expressionAt,
                                const std::string& tepError, size_t* column) {
    if (column) *column = kNoColumn;
    // "<expression>\n<spaces>^\n<message>" (event-filter.c, show_error), or just a message.
    size_t first = tepError.find('\n');
    size_t second = first == std::string::npos ? first : tepError.find('\n', first + 1);
    std::string message = tepError;
    if (second != std::string::npos) {
        std::string caret = tepError.substr(first + 1, second - first - 1);
        size_t at = caret.find('^');
        message = tepError.substr(second + 1);
        if (at != std::string::npos) {
            Problem p{message, std::min(expressionAt + at, text.empty() ? 0 : text.size() - 1)};
            if (column) *column = p.column;
            return "filter \"" + text + "\": column " + std::to_string(p.column + 1) + ": " +
                   message;
        }
    }
    std::replace(message.begin(), message.end(), '\n', ' ');
    return "filter \"" + text + "\": " + message;
}

}  // namespace kestrel
