//! vCalendar 1.0 -> iCalendar 2.0 (placeholder; being written).
