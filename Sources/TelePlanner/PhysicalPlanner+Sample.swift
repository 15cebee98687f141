// Physical plans of row-sampled scans: an unfiltered table scan, the row sample on top, then
// the pushed filters. Zone maps are not used, because skipping a row group would shift the
// row positions that choose the sample.

import TeleCore
import TeleExecution

extension PhysicalPlanner {
    static func buildSampledScan(_ scan: ScanNode, names: [String], rows: String) throws
        -> (operator: any PhysicalOperator, explain: ExplainNode)
    {
        guard let sample = scan.rowSample else {
            preconditionFailure("buildSampledScan needs a scan with a row sample")
        }
        let tableScan = TableScanOperator(table: scan.table, columns: scan.columns, filter: nil, zoneMapPredicates: [])
        let sampled = RowSampleOperator(child: tableScan, sample: sample, rowCount: scan.table.rowCount)
        let sizeText: String
        switch sample.size {
        case .percent(let percent): sizeText = "\(percent) PERCENT"
        case .rows(let count): sizeText = "\(count) ROWS"
        }
        let scanLine = "TableScan \(scan.tableName) columns=[\(names.joined(separator: ", "))]"
        var explain = ExplainNode(line: "RowSample \(sizeText) seed=\(sample.seed)", children: [ExplainNode(line: scanLine)])
        guard let filter = ExpressionRewriting.conjunction(scan.filters) else {
            explain.line += " " + rows
            return (sampled, explain)
        }
        let line = "Filter \(ExpressionPrinter.text(filter, names: names)) \(rows)"
        return (FilterOperator(child: sampled, predicate: filter), ExplainNode(line: line, children: [explain]))
    }
}
