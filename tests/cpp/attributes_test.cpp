// Tests for column-9 parsing (gffbase/parse/attributes.hpp): GFF3 and
// GTF/GFF2 families, percent coding, issues reported through the sink.
#include "gffbase/parse/attributes.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <string>
#include <vector>

namespace {

using gffbase::AttributeIssue;
using gffbase::AttributeItem;

struct Parsed {
  std::deque<std::string> fields;  // owns the parsed text: items view into it
  std::vector<AttributeItem> items;
  std::deque<std::string> scratch;
  std::vector<AttributeIssue> issues;
};

// Keeps a copy of the field alive in `p` (the items are views into it).
void parse(std::string field, bool gff3, Parsed& p) {
  p.fields.push_back(std::move(field));
  gffbase::parse_attributes(p.fields.back(), gff3, p.items, p.scratch,
                            [&](const AttributeIssue& i) { p.issues.push_back(i); });
}

struct Expect {
  std::string key, value;
  std::uint16_t index;
  bool has_value;
};

void expect_items(const Parsed& p, const std::vector<Expect>& want) {
  ASSERT_EQ(p.items.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE("item " + std::to_string(i));
    EXPECT_EQ(p.items[i].key, want[i].key);
    EXPECT_EQ(p.items[i].value, want[i].value);
    EXPECT_EQ(p.items[i].value_index, want[i].index);
    EXPECT_EQ(p.items[i].has_value, want[i].has_value);
  }
}

bool points_into(std::string_view view, const std::string& s) {
  return view.data() >= s.data() && view.data() + view.size() <= s.data() + s.size();
}

// ---------------------------------------------------------------------------
// GFF3

TEST(AttributesGff3, SimpleKeyValuePairsInOrder) {
  const std::string f = "ID=gene1;Name=Alpha;biotype=protein_coding";
  Parsed p;
  parse(f, true, p);
  expect_items(p, {{"ID", "gene1", 0, true}, {"Name", "Alpha", 0, true}, {"biotype", "protein_coding", 0, true}});
  EXPECT_TRUE(p.issues.empty());
  // No decoding needed: the views point into the field itself.
  for (const auto& it : p.items) EXPECT_TRUE(points_into(it.value, p.fields.back()));
  EXPECT_TRUE(p.scratch.empty());
}

TEST(AttributesGff3, CommaListsAndRepeatedKeysShareValueIndex) {
  const std::string f = "ID=e1;Parent=tx1,tx2;Parent=tx3";
  Parsed p;
  parse(f, true, p);
  expect_items(p, {{"ID", "e1", 0, true},
                   {"Parent", "tx1", 0, true},
                   {"Parent", "tx2", 1, true},
                   {"Parent", "tx3", 2, true}});
  EXPECT_EQ(gffbase::values_of(p.items, "Parent"), (std::vector<std::string_view>{"tx1", "tx2", "tx3"}));
  EXPECT_TRUE(gffbase::values_of(p.items, "Missing").empty());
}

TEST(AttributesGff3, TrailingCommaIsNotAValue) {
  Parsed p;
  parse("Parent=a,", true, p);
  expect_items(p, {{"Parent", "a", 0, true}});
  Parsed q;
  parse("Parent=a,,b", true, q);  // an empty slot in the middle is skipped too
  expect_items(q, {{"Parent", "a", 0, true}, {"Parent", "b", 1, true}});
}

TEST(AttributesGffutilsLists, EmptyValuesAreNoValuesAndEmptySlotsAreValues) {
  // gffutils' Feature.attributes: `Note=` -> [], `a,,b` -> [a, '', b].
  auto items = [](std::string field, bool gff3) {
    static std::deque<std::string> scratch;
    static std::deque<std::string> fields;
    std::vector<AttributeItem> out;
    gffbase::parse_attributes_gffutils(fields.emplace_back(std::move(field)), gff3, out, scratch);
    std::vector<std::string> flat;
    for (const auto& it : out) flat.push_back(std::string(it.key) + (it.has_value ? "=" + std::string(it.value) : ""));
    return flat;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(items("ID=x;Note=", true), (V{"ID=x", "Note"}));
  EXPECT_EQ(items("Alias=a,,b", true), (V{"Alias=a", "Alias=", "Alias=b"}));
  EXPECT_EQ(items("Alias=,%2C,", true), (V{"Alias=", "Alias=,", "Alias="}));
  EXPECT_EQ(items("gene_id \"g\"; note \"\"; note \"x\";", false), (V{"gene_id=g", "note", "note=x"}));
  // The index's parse is unchanged: the empty slot is not a value.
  Parsed p;
  parse("Alias=a,,b;Note=", true, p);
  expect_items(p, {{"Alias", "a", 0, true}, {"Alias", "b", 1, true}, {"Note", "", 0, true}});
}

TEST(AttributesGff3, TrailingAndDoubledSemicolonsAndSpacesAreSkipped) {
  Parsed p;
  parse(" ID=a ;; Name=b ;;", true, p);
  expect_items(p, {{"ID", "a", 0, true}, {"Name", "b", 0, true}});
  Parsed q;
  parse(";;;", true, q);
  EXPECT_TRUE(q.items.empty());
}

TEST(AttributesGff3, BareKeyHasNoValue) {
  Parsed p;
  parse("ID=x;Complete;Lack 3'-end", true, p);
  expect_items(p, {{"ID", "x", 0, true}, {"Complete", "", 0, false}, {"Lack 3'-end", "", 0, false}});
  EXPECT_EQ(gffbase::values_of(p.items, "Complete").size(), 0u);
}

TEST(AttributesGff3, EmptyValueIsAValue) {
  Parsed p;
  parse("ID=;Name=n", true, p);
  expect_items(p, {{"ID", "", 0, true}, {"Name", "n", 0, true}});
  // values_of keeps the (empty) value: the key *has* a value.
  EXPECT_EQ(gffbase::values_of(p.items, "ID"), (std::vector<std::string_view>{""}));
}

TEST(AttributesGff3, FirstEqualsSignSplits) {
  Parsed p;
  parse("Note=a=b;Target=x y=z", true, p);
  expect_items(p, {{"Note", "a=b", 0, true}, {"Target", "x y=z", 0, true}});
}

TEST(AttributesGff3, PercentDecodingIntoScratch) {
  const std::string f = "ID=g1;Note=a%3Bb,c%2Cd;Name=%41%62c";
  Parsed p;
  parse(f, true, p);
  expect_items(p, {{"ID", "g1", 0, true}, {"Note", "a;b", 0, true}, {"Note", "c,d", 1, true}, {"Name", "Abc", 0, true}});
  EXPECT_TRUE(p.issues.empty());
  // Decoded values live in scratch, not in the field.
  EXPECT_FALSE(points_into(p.items[1].value, p.fields.back()));
  EXPECT_GE(p.scratch.size(), 3u);
}

TEST(AttributesGff3, PercentDecodedSemicolonDoesNotSplitItems) {
  Parsed p;
  parse("Note=x%3By%3Dz", true, p);
  expect_items(p, {{"Note", "x;y=z", 0, true}});
}

TEST(AttributesGff3, AGtfStyleItemIsReportedAndKeptAsABareKey) {
  Parsed p;
  parse("ID=x;gene_id \"G1\";Lack 3'-end;Note \"unclosed", true, p);
  expect_items(p, {{"ID", "x", 0, true},
                   {"gene_id \"G1\"", "", 0, false},
                   {"Lack 3'-end", "", 0, false},
                   {"Note \"unclosed", "", 0, false}});
  ASSERT_EQ(p.issues.size(), 1u);  // a flag with spaces, or a lone quote, is not GTF
  EXPECT_EQ(p.issues[0].code, "gtf-style-attribute");
  EXPECT_EQ(p.issues[0].key, "gene_id");
  EXPECT_EQ(p.issues[0].expected, "key=value (GFF3)");
  EXPECT_EQ(p.issues[0].found, "gene_id \"G1\"");
}

TEST(AttributesGff3, BadPercentEscapeIsReportedAndRawTextKept) {
  const std::string f = "ID=a;Note=50%ZZ off;Name=trunc%4";
  Parsed p;
  parse(f, true, p);
  expect_items(p, {{"ID", "a", 0, true}, {"Note", "50%ZZ off", 0, true}, {"Name", "trunc%4", 0, true}});
  ASSERT_EQ(p.issues.size(), 2u);
  EXPECT_EQ(p.issues[0].code, "bad-percent-escape");
  EXPECT_EQ(p.issues[0].key, "Note");
  EXPECT_EQ(p.issues[0].expected, "percent escapes %XX with two hex digits that decode to UTF-8 text");
  EXPECT_EQ(p.issues[0].found, "50%ZZ off");
  EXPECT_EQ(p.issues[1].code, "bad-percent-escape");
  EXPECT_EQ(p.issues[1].key, "Name");
  EXPECT_EQ(p.issues[1].found, "trunc%4");
}

TEST(AttributesGff3, EscapesThatDecodeToInvalidUtf8KeepTheRawText) {
  Parsed p;
  parse("ID=x%FFy;Name=nul%00;Note=caf%C3%A9", true, p);
  expect_items(p, {{"ID", "x%FFy", 0, true}, {"Name", "nul%00", 0, true}, {"Note", "caf\xC3\xA9", 0, true}});
  ASSERT_EQ(p.issues.size(), 2u);
  EXPECT_EQ(p.issues[0].key, "ID");
  EXPECT_EQ(p.issues[1].key, "Name");
}

TEST(AttributesGff3, NoSinkIsFine) {
  std::vector<AttributeItem> items;
  std::deque<std::string> scratch;
  const std::string f = "Note=%G0";
  gffbase::parse_attributes(f, true, items, scratch);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].value, "%G0");
}

TEST(AttributesGff3, DotAndEmptyFieldYieldNothingAndOutputIsAppended) {
  std::vector<AttributeItem> items;
  std::deque<std::string> scratch;
  gffbase::parse_attributes(".", true, items, scratch);
  gffbase::parse_attributes("", true, items, scratch);
  gffbase::parse_attributes("  ", false, items, scratch);
  EXPECT_TRUE(items.empty());
  const std::string a = "ID=1", b = "ID=2";
  gffbase::parse_attributes(a, true, items, scratch);
  gffbase::parse_attributes(b, true, items, scratch);
  ASSERT_EQ(items.size(), 2u);  // not cleared between calls
  EXPECT_EQ(items[0].value, "1");
  EXPECT_EQ(items[1].value, "2");
  EXPECT_EQ(items[1].value_index, 0);  // counters are per call (per line)
}

// ---------------------------------------------------------------------------
// GTF / GFF2

TEST(AttributesGtf, QuotedValuesAndTrailingSemicolon) {
  const std::string f = "gene_id \"g1\"; transcript_id \"t1\"; exon_number 2;";
  Parsed p;
  parse(f, false, p);
  expect_items(p, {{"gene_id", "g1", 0, true}, {"transcript_id", "t1", 0, true}, {"exon_number", "2", 0, true}});
  EXPECT_TRUE(p.issues.empty());
}

TEST(AttributesGtf, SemicolonInsideQuotesDoesNotSplit) {
  Parsed p;
  parse("gene_id \"a;b\"; note \"x; y;\";", false, p);
  expect_items(p, {{"gene_id", "a;b", 0, true}, {"note", "x; y;", 0, true}});
}

TEST(AttributesGtf, BackslashEscapedQuotesStayInsideTheValue) {
  // Kept as written, backslashes and all (as gffutils keeps them); a ';'
  // after an escaped quote is still inside the value.  Two backslashes are
  // an escaped backslash: the quote after them closes the value.
  Parsed p;
  parse("gene_id \"g\"; note \"a \\\"q;x\\\" b\"; path \"C:\\\\\"; level 2;", false, p);
  expect_items(p, {{"gene_id", "g", 0, true},
                   {"note", "a \\\"q;x\\\" b", 0, true},
                   {"path", "C:\\\\", 0, true},
                   {"level", "2", 0, true}});
  EXPECT_TRUE(p.issues.empty());
}

TEST(AttributesGtf, RepeatedKeysAccumulateInOrder) {
  Parsed p;
  parse("tag \"basic\"; gene_id \"g\"; tag \"CCDS\"; tag \"MANE\";", false, p);
  expect_items(p, {{"tag", "basic", 0, true}, {"gene_id", "g", 0, true}, {"tag", "CCDS", 1, true},
                   {"tag", "MANE", 2, true}});
  EXPECT_EQ(gffbase::values_of(p.items, "tag"), (std::vector<std::string_view>{"basic", "CCDS", "MANE"}));
}

TEST(AttributesGtf, SeveralQuotedStringsInOneItem) {
  Parsed p;
  parse("Alias \"a\" \"b\"  \"c\"; ID \"x\"", false, p);
  expect_items(p, {{"Alias", "a", 0, true}, {"Alias", "b", 1, true}, {"Alias", "c", 2, true}, {"ID", "x", 0, true}});
}

TEST(AttributesGtf, CoordinatesAfterAQuotedStringBelongToIt) {
  // GFF2 Target "name" start end [strand] (RepeatMasker): one value, as GFF3's Target=name start end.
  Parsed p;
  parse("Target \"Motif:(TAACCC)n\" 1 463 ; Gap \"g\" 10 200 + ; Note \"a\" \"b\" c", false, p);
  expect_items(p, {{"Target", "Motif:(TAACCC)n 1 463", 0, true},
                   {"Gap", "g 10 200 +", 0, true},
                   {"Note", "a", 0, true},
                   {"Note", "b", 1, true},
                   {"Note", "c", 2, true}});
  EXPECT_TRUE(p.issues.empty());
  // GFF1's "tag value tag value" without semicolons: other words stay a value of their own.
  Parsed g;
  parse("gene_id \"e_gw1.5.2.1\" transcript_id 335995", false, g);
  expect_items(g, {{"gene_id", "e_gw1.5.2.1", 0, true}, {"gene_id", "transcript_id 335995", 1, true}});
}

TEST(AttributesGtf, BareKeyAndDoubledSemicolons) {
  Parsed p;
  parse("gene_id \"g\";; partial ;  ; level 2", false, p);
  expect_items(p, {{"gene_id", "g", 0, true}, {"partial", "", 0, false}, {"level", "2", 0, true}});
}

TEST(AttributesGtf, EmptyQuotedValue) {
  Parsed p;
  parse("gene_name \"\"; gene_id \"g\"", false, p);
  expect_items(p, {{"gene_name", "", 0, true}, {"gene_id", "g", 0, true}});
}

TEST(AttributesGtf, UnterminatedQuoteIsReported) {
  const std::string f = "gene_id \"g1; transcript_id t1";
  Parsed p;
  parse(f, false, p);
  ASSERT_EQ(p.issues.size(), 1u);
  EXPECT_EQ(p.issues[0].code, "unterminated-quote");
  EXPECT_EQ(p.issues[0].expected, "a closing double quote");
  EXPECT_EQ(p.issues[0].found, f);
  // The raw text is kept for the value concerned.
  ASSERT_FALSE(p.items.empty());
  EXPECT_EQ(p.items[0].key, "gene_id");
  EXPECT_EQ(p.items[0].value, "g1; transcript_id t1");
}

TEST(AttributesGtf, PercentIsNotDecodedInGtf) {
  Parsed p;
  parse("note \"50%3B\"", false, p);
  expect_items(p, {{"note", "50%3B", 0, true}});
  EXPECT_TRUE(p.issues.empty());
}

TEST(AttributesGtf, UsualItemsThenAnUnusualOneThenUsualOnesAgain) {
  // The parser reads items of the usual shape in one pass and hands any
  // other item to the general path: the items on either side of the switch.
  Parsed p;
  parse("gene_id \"g1\"; level 2 ; note \"a;b\"; Complete; tag \"x\" \"y\"; tag\"z\"; "
        "Target \"M\" 1 463; n a b\t; x \"1\" ;# comment; y \"2\"",
        false, p);
  expect_items(p, {{"gene_id", "g1", 0, true},
                   {"level", "2", 0, true},
                   {"note", "a;b", 0, true},
                   {"Complete", "", 0, false},
                   {"tag", "x", 0, true},
                   {"tag", "y", 1, true},
                   {"tag", "z", 2, true},
                   {"Target", "M 1 463", 0, true},
                   {"n", "a b", 0, true},
                   {"x", "1", 0, true}});
  EXPECT_TRUE(p.issues.empty());
}

TEST(AttributesGtf, UnterminatedQuoteAfterUsualItemsReportsTheWholeField) {
  const std::string f = "gene_id \"g1\"; transcript_id \"t1\"; note \"open; x \"y\"";
  Parsed p;
  parse(f, false, p);
  ASSERT_EQ(p.issues.size(), 1u);
  EXPECT_EQ(p.issues[0].found, f);
  expect_items(p, {{"gene_id", "g1", 0, true}, {"transcript_id", "t1", 0, true}, {"note", "open; x ", 0, true},
                   {"note", "y\"", 1, true}});
}

// A naive reference for the GTF/GFF2 family, kept deliberately simple: split
// the field on ';' outside double quotes, trim each item, stop at an item
// that starts with '#', then read `key`, then quoted strings (a run of
// numbers and strands after one joins it) or one unquoted value.  Inside
// quotes a backslash escapes the next byte (\" does not close them).
std::vector<Expect> reference_gtf(std::string_view field) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
  };
  std::vector<std::string_view> items;
  bool in_quote = false;
  std::size_t begin = 0;
  field = trim(field);
  if (field == ".") return {};
  for (std::size_t i = 0; i <= field.size(); ++i) {
    if (in_quote && i + 1 < field.size() && field[i] == '\\') {
      ++i;
      continue;
    }
    if (i < field.size() && field[i] == '"') in_quote = !in_quote;
    if (i == field.size() || (field[i] == ';' && !in_quote)) {
      if (auto item = trim(field.substr(begin, i - begin)); !item.empty()) items.push_back(item);
      begin = i + 1;
    }
  }
  std::vector<Expect> out;
  std::vector<std::pair<std::string, std::uint16_t>> counts;
  auto next_index = [&](std::string_view key) -> std::uint16_t {
    for (auto& [k, n] : counts) {
      if (k == key) return n++;
    }
    counts.emplace_back(std::string(key), 1);
    return 0;
  };
  for (std::string_view item : items) {
    if (item.front() == '#') break;
    std::size_t k = 0;
    while (k < item.size() && item[k] != ' ' && item[k] != '\t' && item[k] != '"') ++k;
    const std::string key(item.substr(0, k));
    std::string_view rest = trim(item.substr(k));
    if (key.empty()) {
      out.push_back({std::string(rest), "", 0, false});
      continue;
    }
    if (rest.empty()) {
      std::uint16_t n = 0;  // a bare key takes no index
      for (auto& [ck, cn] : counts) {
        if (ck == key) n = cn;
      }
      out.push_back({key, "", n, false});
      continue;
    }
    if (rest.front() != '"') {
      out.push_back({key, std::string(rest), next_index(key), true});
      continue;
    }
    while (!rest.empty()) {
      if (rest.front() == '"') {
        std::size_t close = 1;
        while (close < rest.size() && rest[close] != '"') close += rest[close] == '\\' ? 2 : 1;
        if (close >= rest.size()) {
          out.push_back({key, std::string(rest.substr(1)), next_index(key), true});
          break;
        }
        out.push_back({key, std::string(rest.substr(1, close - 1)), next_index(key), true});
        rest = trim(rest.substr(close + 1));
      } else if (rest.find_first_not_of(" \t+-.0123456789") == std::string_view::npos &&
                 rest.find_first_of("0123456789") != std::string_view::npos) {
        out.back().value += " " + std::string(rest);
        break;
      } else {
        out.push_back({key, std::string(rest), next_index(key), true});
        break;
      }
    }
  }
  return out;
}

TEST(AttributesGtf, AgreesWithANaiveReferenceOnRandomFields) {
  // Fields drawn from the bytes that matter to the GTF grammar, plus words
  // and whole usual items, so both of the parser's paths and the switches
  // between them are exercised.
  const std::vector<std::string> pieces = {"gene_id \"g1\"; ", "level 2; ", "a", "bc", " ", "\t", "\"", ";",
                                           "#", "1", "+", "\r", "x \"y z\"", "tag", "; ", "a_longer_key_than_sixteen_bytes",
                                           "\\", "\\\""};
  std::uint64_t state = 42;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>(state >> 33);
  };
  for (int round = 0; round < 20000; ++round) {
    std::string f;
    const std::size_t n = next() % 12;
    for (std::size_t i = 0; i < n; ++i) f += pieces[next() % pieces.size()];
    Parsed p;
    parse(f, false, p);
    const std::vector<Expect> want = reference_gtf(f);
    SCOPED_TRACE("field [" + f + "]");
    ASSERT_EQ(p.items.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      ASSERT_EQ(p.items[i].key, want[i].key) << "item " << i;
      ASSERT_EQ(p.items[i].value, want[i].value) << "item " << i;
      ASSERT_EQ(p.items[i].value_index, want[i].index) << "item " << i;
      ASSERT_EQ(p.items[i].has_value, want[i].has_value) << "item " << i;
    }
  }
}

// ---------------------------------------------------------------------------
// percent_encode / percent_decode

TEST(PercentCoding, EncodeReservedCharacters) {
  EXPECT_EQ(gffbase::percent_encode("a;b=c&d,e%f\tg\nh"), "a%3Bb%3Dc%26d%2Ce%25f%09g%0Ah");
  EXPECT_EQ(gffbase::percent_encode("a,b", /*in_list=*/false), "a,b");
  EXPECT_EQ(gffbase::percent_encode(std::string("\x01\x7f", 2)), "%01%7F");
  // Ordinary text, spaces and UTF-8 are left alone.
  EXPECT_EQ(gffbase::percent_encode("plain text:/ é"), "plain text:/ é");
  EXPECT_EQ(gffbase::percent_encode(""), "");
}

TEST(PercentCoding, DecodeRoundTripsEncode) {
  const std::string nasty = "x;y=z&w,v%u\t\r\n\x01 end";
  std::string back;
  EXPECT_TRUE(gffbase::percent_decode(gffbase::percent_encode(nasty), back));
  EXPECT_EQ(back, nasty);
  EXPECT_TRUE(gffbase::percent_decode("%3b%3D", back));  // either hex case
  EXPECT_EQ(back, ";=");
}

TEST(PercentCoding, DecodeReportsMalformedEscapesAndCopiesLiterally) {
  std::string out;
  EXPECT_FALSE(gffbase::percent_decode("100%", out));
  EXPECT_EQ(out, "100%");
  EXPECT_FALSE(gffbase::percent_decode("a%zzb%41", out));
  EXPECT_EQ(out, "a%zzbA");
  EXPECT_FALSE(gffbase::percent_decode("%4", out));
  EXPECT_EQ(out, "%4");
}

// ---------------------------------------------------------------------------
// Scale

TEST(AttributesScale, HundredThousandDistinctItemsParseInLinearTime) {
  constexpr int kItems = 100000;
  std::string f;
  f.reserve(kItems * 14);
  for (int i = 0; i < kItems; ++i) {
    f += "key" + std::to_string(i) + "=v" + std::to_string(i) + ";";
  }
  Parsed p;
  const auto t0 = std::chrono::steady_clock::now();
  parse(f, true, p);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(p.items.size(), static_cast<std::size_t>(kItems));
  EXPECT_EQ(p.items[kItems - 1].key, "key99999");
  EXPECT_EQ(p.items[kItems - 1].value, "v99999");
  EXPECT_EQ(p.items[kItems - 1].value_index, 0);
  // Quadratic key matching would take minutes here; linear takes milliseconds
  // (generous bound for sanitizer/debug builds).
  EXPECT_LT(secs, 20.0);
}

TEST(AttributesScale, ManyQuotedStringsWithoutASemicolonParseInLinearTime) {
  // `x "" "" ...` with no ';' after: the search for the item's end once
  // started over after every closing quote (2M pairs: over a minute).
  constexpr int kPairs = 2000000;
  std::string f = "gene_id \"g\"; transcript_id \"t\"; x ";
  f.reserve(f.size() + kPairs * 3);
  for (int i = 0; i < kPairs; ++i) f += "\"\" ";
  Parsed p;
  const auto t0 = std::chrono::steady_clock::now();
  parse(f, false, p);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(p.items.size(), static_cast<std::size_t>(2 + kPairs));
  EXPECT_EQ(p.items.back().key, "x");
  EXPECT_EQ(p.items.back().value, "");
  EXPECT_LT(secs, 20.0);  // quadratic: ~80 s in a sanitizer build; linear: a second or two
}

TEST(AttributesScale, HundredThousandGtfItemsAndCommaValues) {
  constexpr int kItems = 100000;
  std::string gtf, gff3 = "Alias=";
  for (int i = 0; i < kItems; ++i) {
    gtf += "k" + std::to_string(i) + " \"" + std::to_string(i) + "\"; ";
    gff3 += (i ? "," : "") + std::to_string(i);
  }
  Parsed p;
  parse(gtf, false, p);
  ASSERT_EQ(p.items.size(), static_cast<std::size_t>(kItems));
  EXPECT_EQ(p.items[12345].key, "k12345");
  EXPECT_EQ(p.items[12345].value, "12345");
  Parsed q;
  parse(gff3, true, q);
  ASSERT_EQ(q.items.size(), static_cast<std::size_t>(kItems));
  EXPECT_EQ(q.items.back().value, "99999");
}

}  // namespace
