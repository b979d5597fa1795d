#!/usr/bin/env python3
"""A real English text for the reference scripts, made at run time from the Wikipedia
extract that ships inside gensim's test data (206 articles, 6 MB of wiki markup): the
articles' text with the markup stripped by gensim's own filter_wiki, one paragraph per
line. Nothing of it is stored in this repository.

  wiki_prose.py OUT      exit status 2 (and a line on stderr) when gensim or the file is absent
"""
import bz2
import os
import re
import sys


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    try:
        import gensim
        from gensim.corpora.wikicorpus import extract_pages, filter_wiki
    except ImportError:
        print("wiki_prose.py: gensim is not installed", file=sys.stderr)
        sys.exit(2)
    source = os.path.join(os.path.dirname(gensim.__file__), "test", "test_data",
                          "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2")
    if not os.path.exists(source):
        print(f"wiki_prose.py: {source} is absent", file=sys.stderr)
        sys.exit(2)
    with bz2.open(source, "rb") as xml, open(sys.argv[1], "w") as out:
        for _title, text, _page_id in extract_pages(xml, filter_namespaces=("0",)):
            if text.lstrip().upper().startswith("#REDIRECT"):
                continue
            for paragraph in filter_wiki(text).split("\n"):
                paragraph = re.sub(r"\s+", " ", paragraph.replace("''", "")).strip()
                # Headings (== History ==), list stubs and table rests are not prose.
                if len(paragraph.split()) >= 8 and not paragraph.startswith(("=", "|", "!", "*", "#")):
                    out.write(paragraph + "\n")


if __name__ == "__main__":
    main()
