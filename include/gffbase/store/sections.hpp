// gffbase — names of the .gffdb sections (part of the file format).
// Each constant names one array of FeatureTable (see feature_table.hpp for
// the meaning and layout of each).
#pragma once

#include <string_view>

namespace gffbase::store::section {

inline constexpr std::string_view kSeqidOffsets = "dict.seqid.offsets";
inline constexpr std::string_view kSeqidData = "dict.seqid.data";
inline constexpr std::string_view kSourceOffsets = "dict.source.offsets";
inline constexpr std::string_view kSourceData = "dict.source.data";
inline constexpr std::string_view kTypeOffsets = "dict.type.offsets";
inline constexpr std::string_view kTypeData = "dict.type.data";
inline constexpr std::string_view kRowSeqid = "row.seqid";
inline constexpr std::string_view kRowSource = "row.source";
inline constexpr std::string_view kRowType = "row.type";
inline constexpr std::string_view kRowStart = "row.start";
inline constexpr std::string_view kRowEnd = "row.end";
inline constexpr std::string_view kRowScore = "row.score";
inline constexpr std::string_view kRowStrand = "row.strand";
inline constexpr std::string_view kRowPhase = "row.phase";
inline constexpr std::string_view kRowFlags = "row.flags";
inline constexpr std::string_view kRowFileOrder = "row.file_order";
inline constexpr std::string_view kRowLine = "row.line";
inline constexpr std::string_view kRowFeature = "row.feature";
inline constexpr std::string_view kRowTextOffset = "row.text_offset";
inline constexpr std::string_view kRowTextLength = "row.text_length";
inline constexpr std::string_view kRowAttrStart = "row.attr_start";
inline constexpr std::string_view kTextMain = "text.main";
inline constexpr std::string_view kTextExtra = "text.extra";
inline constexpr std::string_view kRowMaxEnd = "row.max_end";
inline constexpr std::string_view kSeqidRows = "index.seqid_rows";
inline constexpr std::string_view kFeatureIdOffsets = "feature.id.offsets";
inline constexpr std::string_view kFeatureIdData = "feature.id.data";
inline constexpr std::string_view kFeatureRowsOffsets = "feature.rows.offsets";
inline constexpr std::string_view kFeatureRows = "feature.rows";
inline constexpr std::string_view kParentOffsets = "feature.parents.offsets";
inline constexpr std::string_view kParents = "feature.parents";
inline constexpr std::string_view kChildOffsets = "feature.children.offsets";
inline constexpr std::string_view kChildren = "feature.children";
inline constexpr std::string_view kIdSlots = "index.id_slots";
inline constexpr std::string_view kTypeRowsOffsets = "index.type_rows.offsets";
inline constexpr std::string_view kTypeRows = "index.type_rows";
inline constexpr std::string_view kFileOrderRows = "index.file_order_rows";
inline constexpr std::string_view kAttrEntries = "index.attr.entries";
inline constexpr std::string_view kDirectiveOffsets = "directive.offsets";
inline constexpr std::string_view kDirectiveData = "directive.data";
inline constexpr std::string_view kDirectiveLines = "directive.lines";
inline constexpr std::string_view kProblemOffsets = "problem.offsets";
inline constexpr std::string_view kProblemData = "problem.data";
inline constexpr std::string_view kProblemLines = "problem.lines";
inline constexpr std::string_view kProblemSeverity = "problem.severity";
inline constexpr std::string_view kFasta = "fasta";
inline constexpr std::string_view kMetaKeyOffsets = "meta.key.offsets";
inline constexpr std::string_view kMetaKeyData = "meta.key.data";
inline constexpr std::string_view kMetaValueOffsets = "meta.value.offsets";
inline constexpr std::string_view kMetaValueData = "meta.value.data";
/// One CRC-32 per block of every other section (format >= 1.1; block size: see format.hpp).
inline constexpr std::string_view kBlockChecksums = "checksums.blocks";

}  // namespace gffbase::store::section
