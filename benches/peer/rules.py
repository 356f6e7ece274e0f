"""The matching rules every peer shares, so that they count exactly what
survey-lens counts: case, spacing and curly quotes ignored in answers and
headers; group prefixes such as "LB" dropped; group aliases; unmatched
one-answer cells counted as Other when the question has it; tick-all cells
split on ";" and matched piece by piece. Each peer applies these rules to
the distinct values of a column (in Python) and joins the result back, the
usual fast path in each library."""
import re
import tomllib

CURLY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def key(s):
    return re.sub(r"\s+", " ", str(s).translate(CURLY)).strip().lower()


def header_key(s):
    return key(s).rstrip("?:.* ,")


class Rules:
    def __init__(self, template_path, headers):
        t = tomllib.load(open(template_path, "rb"))
        self.by_header = {header_key(c): c for c in headers}
        g = t["group"]
        gq = next(q for q in t["questions"] if q["id"] == g["question"])
        self.group_col = self.by_header[header_key(gq["text"])]
        self.prefixes = [key(p) + " " for p in g.get("ignore_prefixes", [])]
        self.names = {}
        for v in g["values"]:
            for n in [v["name"]] + v.get("aliases", []):
                self.names[key(n)] = v["name"]
        self.not_stated = g.get("not_stated", "Not stated")
        self.other_group = g.get("other", "Other")
        # (id, kind, column, {answer key: option}, has an Other option)
        self.questions = []
        for q in t["questions"]:
            if q["id"] == g["question"] or q["kind"] == "text":
                continue
            c = self.by_header.get(header_key(q["text"]))
            if c is None:
                continue
            okeys = {key(o): o for o in q["options"]}
            self.questions.append((q["id"], q["kind"], c, okeys))

    def group_of(self, raw):
        k = key(raw or "")
        if not k:
            return self.not_stated
        for p in self.prefixes:
            if k.startswith(p) and len(k) > len(p):
                k = k[len(p):]
                break
        return self.names.get(k, self.other_group)

    @staticmethod
    def single(okeys, raw):
        """A one-answer cell's option, or None (blank or unmatched)."""
        raw = raw or ""
        o = okeys.get(key(raw))
        if o is None and "other" in okeys and raw.strip() != "":
            o = okeys["other"]
        return o

    @staticmethod
    def piece(okeys, raw):
        """One piece of a tick-all cell's option, or None."""
        return okeys.get(key(raw or ""))


