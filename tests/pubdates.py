#!/usr/bin/env python3
"""Publication dates against the truth (issue #31's measure).

    python3 tests/pubdates.py [--bin ./newsclaims]

Ingests ../shared/corpus-bench/{en,fr} (their MANIFEST.tsv give each article's date; de gives
labels, no dates) and the dev set's texts without their .meta sidecars (the sidecars give the
dates) into fresh databases under /tmp, and prints, per set: articles given a date, how many of
those are right at their precision, and how many were left without one. Standard library only;
says so and exits 0 where ../shared is absent.
"""
import argparse, csv, os, shutil, sqlite3, subprocess, sys, tempfile

MON = {m: i + 1 for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split())}


def ingest(binary, dirs, db):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    subprocess.run([binary, "ingest", *dirs, "--db", db, "--quiet"], stderr=subprocess.DEVNULL, check=False)
    con = sqlite3.connect(db)
    rows = {r[0]: (r[1] or "") for r in con.execute("SELECT path, pub_date FROM articles")}
    con.close()
    return rows


def tally(name, pairs):
    """pairs: (truth, stored) per article."""
    stored = [(t, s) for t, s in pairs if s]
    right = sum(1 for t, s in stored if t.startswith(s))
    none = len(pairs) - len(stored)
    share = right / len(stored) if stored else 1.0
    print(f"{name:22} articles {len(pairs):5}  dated {len(stored):5}  right {right:5} ({share:.3f})  "
          f"without a date {none:5} ({none / len(pairs) if pairs else 0:.3f})")
    return share


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="./newsclaims")
    a = ap.parse_args()
    shared = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared")
    if not os.path.isdir(os.path.join(shared, "corpus-bench")):
        print("pubdates: ../shared is absent; nothing measured")
        return 0
    tmp = tempfile.mkdtemp(prefix="pubdates-")
    try:
        for lang in ("en", "fr"):
            d = os.path.join(shared, "corpus-bench", lang)
            rows = ingest(a.bin, [d], os.path.join(tmp, lang + ".db"))
            by_name = {os.path.basename(p): v for p, v in rows.items()}
            pairs = []
            for r in csv.DictReader(open(os.path.join(d, "MANIFEST.tsv"), encoding="utf-8"), delimiter="\t"):
                t = r["date"].strip()
                if lang == "en":
                    dd, mm, yy = t.split()[0].split("-")
                    t = f"{int(yy):04d}-{MON[mm]:02d}-{int(dd):02d}"
                pairs.append((t, by_name.get(r["file"], "")))
            tally("corpus-bench " + lang, pairs)
        dev = os.path.join(shared, "devset")
        copy = os.path.join(tmp, "devset")
        truth = {}
        for lang in ("en", "fr", "de"):
            os.makedirs(os.path.join(copy, lang))
            for f in os.listdir(os.path.join(dev, lang)):
                if f.endswith(".txt"):
                    shutil.copy(os.path.join(dev, lang, f), os.path.join(copy, lang, f))
                    for line in open(os.path.join(dev, lang, f + ".meta"), encoding="utf-8"):
                        if line.startswith("date:"):
                            truth[f"{lang}/{f}"] = line.split(":", 1)[1].strip()
        rows = ingest(a.bin, [copy], os.path.join(tmp, "dev.db"))
        pairs = [(truth[k], rows.get(os.path.join(copy, k), "")) for k in sorted(truth)]
        tally("devset (no sidecars)", pairs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
