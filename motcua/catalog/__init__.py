"""The procedure catalogue (danh mục thủ tục hành chính): procedures, immutable published versions,
required documents, fees, e-forms, internal processes, publication deadlines, import and export."""
