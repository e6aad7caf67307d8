# In-process timer for benchmarks/side_by_side.py: one Rscript process per benchmark row.
# Loads BOIN and dfcrm once, prints the versions, then reads R expressions from standard input, one a line.
# For each it evaluates the expression inside system.time() and prints one line
#   RESULT <user+sys seconds> <elapsed seconds> <the expression's value, numbers separated by spaces>
# A line "quit" (or the end of input) ends the process. Errors are printed as "ERROR <message>".
suppressMessages({
  library(BOIN)
  library(dfcrm)
})
cat("VERSION R", paste0(R.version$major, ".", R.version$minor),
    "BOIN", packageDescription("BOIN")$Version, "dfcrm", packageDescription("dfcrm")$Version,
    "Iso", packageDescription("Iso")$Version, "\n")
flush(stdout())

con <- file("stdin")
open(con)
repeat {
  line <- readLines(con, n = 1)
  if (length(line) == 0 || line == "quit") break
  out <- tryCatch({
    t <- system.time(value <- eval(parse(text = line), envir = globalenv()))
    cpu <- t[["user.self"]] + t[["sys.self"]] + sum(t[["user.child"]], t[["sys.child"]], na.rm = TRUE)
    paste("RESULT", format(cpu, digits = 15), format(t[["elapsed"]], digits = 15),
          paste(format(as.numeric(value), digits = 15), collapse = " "))
  }, error = function(e) paste("ERROR", gsub("\n", " ", conditionMessage(e))))
  cat(out, "\n", sep = "")
  flush(stdout())
}
close(con)
